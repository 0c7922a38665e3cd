#!/usr/bin/env node
// npm run bench: builds the server once, runs every `bench:*` npm script (ours and the other modules'), one
// after another on this machine so their figures are measured side by side in one run, then writes the summary
// table of bench/results/*.json into bench/README.md between the SUMMARY markers.
// BENCH_ONLY=api-load,memory runs a subset; a failing benchmark is reported and the others still run.
// BENCH_SUMMARY_ONLY=1 only rewrites the table from the results already in bench/results.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const summaryOnly = process.env.BENCH_SUMMARY_ONLY === '1';
const scripts = Object.keys(pkg.scripts)
  .filter((s) => s.startsWith('bench:'))
  .filter((s) => !only || only.includes(s.slice(6)))
  .filter(() => !summaryOnly);

const started = new Date();
if (!summaryOnly) {
  const build = spawnSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const runs = [];
for (const script of scripts) {
  console.log(`\n=== ${script}`);
  const t = Date.now();
  const r = spawnSync('npm', ['run', script], { cwd: root, stdio: 'inherit', env: process.env });
  runs.push({ script, ok: r.status === 0, seconds: Math.round((Date.now() - t) / 1000) });
}

/** One results file → table rows: its `summary` list when it has one, else its first numeric figures. */
function rowsOf(name, json) {
  if (Array.isArray(json.summary))
    return json.summary.map((s) => {
      // rows are { metric, value, target?, ok? }, or latency rows { name, p50, p99, unit } under a file-wide targetP99Ms
      const latency = s.value === undefined && s.p99 !== undefined;
      const ok = s.ok ?? (latency && json.targetP99Ms ? s.p99 < json.targetP99Ms : undefined);
      return {
        name,
        metric: s.metric ?? s.name ?? '',
        value: latency
          ? `p50 ${s.p50} ${s.unit ?? 'ms'}, p99 ${s.p99} ${s.unit ?? 'ms'}`
          : typeof s.value === 'object'
            ? JSON.stringify(s.value)
            : String(s.value ?? ''),
        target: s.target ?? (latency && json.targetP99Ms ? `p99 < ${json.targetP99Ms} ms` : ''),
        ok: ok === undefined ? '' : ok ? 'yes' : 'NO',
      };
    });
  const out = [];
  const walk = (v, path) => {
    if (out.length >= 12) return;
    if (typeof v === 'number') out.push({ name, metric: path, value: String(v), target: '', ok: '' });
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  walk(json, '');
  return out;
}

const resultsDir = join(root, 'bench', 'results');
const rows = [];
for (const f of existsSync(resultsDir)
  ? readdirSync(resultsDir)
      .filter((x) => x.endsWith('.json'))
      .sort()
  : []) {
  try {
    const json = JSON.parse(readFileSync(join(resultsDir, f), 'utf8'));
    // a file this run did not write (another driver, worker count or connection count, run on its own): say when
    const at = json.measuredAt ?? json.generatedAt;
    const earlier = typeof at === 'string' && (summaryOnly || new Date(at) < started);
    const name = f.replace(/\.json$/, '') + (earlier ? ` (${at.slice(0, 16).replace('T', ' ')})` : '');
    rows.push(...rowsOf(name, json));
  } catch (e) {
    rows.push({ name: f, metric: 'unreadable', value: String(e.message), target: '', ok: 'NO' });
  }
}
const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = [
  summaryOnly
    ? `Table rebuilt ${started.toISOString()} from the results files (each file carries its own measurement time)`
    : `Run ${started.toISOString()} (${process.version}); scripts: ${runs
        .map((r) => `${r.script} ${r.ok ? 'ok' : 'FAILED'} (${r.seconds} s)`)
        .join(', ')}`,
  '',
  '| benchmark | metric | value | target | met |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${esc(r.name)} | ${esc(r.metric)} | ${esc(r.value)} | ${esc(r.target)} | ${r.ok} |`),
].join('\n');

const readme = join(root, 'bench', 'README.md');
const text = existsSync(readme)
  ? readFileSync(readme, 'utf8')
  : '# Benchmarks\n\n<!-- SUMMARY:START -->\n<!-- SUMMARY:END -->\n';
const updated = text.replace(
  /<!-- SUMMARY:START -->[\s\S]*<!-- SUMMARY:END -->/,
  `<!-- SUMMARY:START -->\n${table}\n<!-- SUMMARY:END -->`,
);
writeFileSync(readme, updated);
console.log(`\n${table}\n\nsummary written to bench/README.md`);
process.exit(runs.every((r) => r.ok) ? 0 : 1);
