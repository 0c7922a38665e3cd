import type { AppConfig } from './app-config.js';

/**
 * Node flags of the HTTP workers a cluster primary forks: its own flags, plus the heap settings of the
 * configuration unless those flags (or NODE_OPTIONS) already set them.
 *  - `--heap-growing-percent`: V8 lets a heap grow to up to 4× what was live after its last full collection before
 *    the next one: under load a worker kept ~66 MB live and grew to ~280 MB between collections. At 100 % it
 *    collects at ~2×.
 *  - `--max-semi-space-size`: the young generation (V8's own: 16 MB per semi-space on 64-bit) never shrinks once
 *    grown; 8 MB saves ~15 MB per worker.
 *  - `--max-old-space-size`: a hard limit, only when configured (a worker whose live data outgrows it crashes).
 * Measured with two workers at 1M documents, four rounds each (`npm run bench:heap`, bench/README.md sixth pass):
 * 100 % and 8 MB take ~12 % off the peak RSS under reads and ~40 % off the memory left after completing tasks, for
 * ~5 % more CPU per completion (the completion p99 at 100 users stayed within its run-to-run noise); 50 % saves
 * more for ~10 % more CPU and had the worst completion tails.
 */
export function workerNodeFlags(
  config: Pick<AppConfig, 'httpWorkerHeapMb' | 'httpWorkerHeapGrowthPercent' | 'httpWorkerSemiSpaceMb'>,
  execArgv: readonly string[],
  nodeOptions = '',
): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  const has = (flag: string) => given.some((f) => f === flag || f.startsWith(`${flag}=`));
  const out = [...execArgv];
  const add = (flag: string, value: number) => {
    if (value > 0 && !has(flag)) out.push(`${flag}=${value}`);
  };
  add('--max-old-space-size', config.httpWorkerHeapMb);
  add('--heap-growing-percent', config.httpWorkerHeapGrowthPercent);
  add('--max-semi-space-size', config.httpWorkerSemiSpaceMb);
  return out;
}
