import type { AppConfig } from './app-config.js';

/**
 * Node flags of the HTTP workers a cluster primary forks: its own flags, plus the heap settings of the
 * configuration unless those flags (or NODE_OPTIONS) already set them.
 *  - `--heap-growing-percent`: V8 lets a heap grow to up to 4× what was live after its last full collection before
 *    the next one. Under load a worker kept ~66 MB live but grew to ~280 MB between collections; at 50 % it
 *    collects at ~1.5× (measured: two workers 620 → 422 MB under reads, 782 → 567 MB after completing 500 tasks,
 *    for ~7 % more CPU per task completion and no change in read throughput; bench/README.md).
 *  - `--max-semi-space-size`: the young generation (V8's own: 16 MB per semi-space on 64-bit) never shrinks once
 *    grown; 8 MB saves ~15 MB per worker.
 *  - `--max-old-space-size`: a hard limit, only when configured (a worker above it crashes).
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
