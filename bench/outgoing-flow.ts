import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alternatingRounds,
  api,
  benchBuilds,
  login,
  RESULTS_DIR,
  rssTree,
  startServer,
  type BenchDb,
  type BenchServer,
} from './support/server.js';

/**
 * npm run bench:outgoing-flow [-- --drivers sqlite,mysql] [--flows 60] [--concurrency 8] [--warmup 2]
 *   [--http-workers <cpus>] [--base <checkout>]
 * Issue 8 "Engine": completed outgoing-document instances per second end to end through the public API. For each
 * driver (SQLite, then MariaDB at BENCH_MYSQL_BASE, default mysql://root@127.0.0.1:3306/, in a database created
 * and dropped by this run) the production build starts on a fresh DATA_DIR with the demo province; C flows at a
 * time then do what test/e2e/documents-journey.test.ts does, without consultee: snv.cv creates an outgoing QĐ
 * signed by snv.giamdoc for UBND tỉnh, then draft (snv.cv) → review (snv.tp) → formatCheck (snv.vanthu) → sign
 * with PIN (snv.giamdoc) → agencySign with PIN (snv.vanthu). Each task is found through GET /api/tasks (polled:
 * workers run asynchronously), claimed when unassigned and completed. A flow counts once its document is
 * `issued` and its process instance (GET /api/workflow/instances/:id) is `completed`. Every response must be
 * 2xx. `--warmup` flows run first and are not counted. The size of the first issued PDF is recorded. With --base,
 * that checkout's build (built there) runs too, alternating with this one (`BENCH_ROUNDS`, default 1, each), on a
 * fresh database each time. Writes bench/results/outgoing-flow.json.
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const DRIVERS = arg('drivers', 'sqlite,mysql').split(',') as ('sqlite' | 'mysql')[];
const FLOWS = Number(arg('flows', '60'));
const CONCURRENCY = Number(arg('concurrency', '8'));
const WARMUP = Number(arg('warmup', '2'));
const HTTP_WORKERS = arg('http-workers', process.env.BENCH_HTTP_WORKERS ?? String(availableParallelism()));
const MYSQL_BASE = process.env.BENCH_MYSQL_BASE ?? 'mysql://root@127.0.0.1:3306/';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const PIN = process.env.DEMO_PASSWORD ?? 'hoso-demo';
const TASK_TIMEOUT_MS = 60_000;
const USERS = ['snv.cv', 'snv.tp', 'snv.vanthu', 'snv.giamdoc', 'chutich'] as const;
type User = (typeof USERS)[number];
const STEPS: { as: User; elementId: string; variables: Record<string, unknown> }[] = [
  { as: 'snv.cv', elementId: 'draft', variables: { comment: 'Kính trình' } },
  { as: 'snv.tp', elementId: 'review', variables: { decision: 'approve', comment: 'Đồng ý' } },
  { as: 'snv.vanthu', elementId: 'formatCheck', variables: { decision: 'approve' } },
  { as: 'snv.giamdoc', elementId: 'sign', variables: { decision: 'approve', pin: PIN } },
  { as: 'snv.vanthu', elementId: 'agencySign', variables: { pin: PIN } },
];

const pct = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};
const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class ApiError extends Error {}

interface Ctx {
  url: string;
  tokens: Record<User, string>;
  signerId: string;
  ubndAgencyId: string;
  errors: string[];
  requests: number;
}

/** One API call; anything but 2xx is counted and thrown. */
async function call(ctx: Ctx, as: User, method: string, path: string, body?: unknown) {
  ctx.requests++;
  let res: { status: number; body: any };
  try {
    res = await api(ctx.url, ctx.tokens[as], method, path, body);
  } catch (e) {
    ctx.errors.push(`${method} ${path} as ${as}: ${(e as Error).message}`);
    throw new ApiError(`${method} ${path}: ${(e as Error).message}`);
  }
  if (res.status < 200 || res.status > 299) {
    const msg = `${method} ${path} as ${as}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
    ctx.errors.push(msg);
    throw new ApiError(msg);
  }
  return res.body;
}

/** Polls until `check` returns a value; 20 ms growing to 200 ms between tries. */
async function poll<T>(what: string, ctx: Ctx, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + TASK_TIMEOUT_MS;
  for (let wait = 20; ; wait = Math.min(200, wait * 1.5)) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      ctx.errors.push(`timeout: ${what}`);
      throw new ApiError(`timeout: ${what}`);
    }
    await sleep(wait);
  }
}

interface Figures {
  completeMs: Record<string, number[]>;
  waitMs: Record<string, number[]>;
  createMs: number[];
  flowMs: number[];
  settleMs: number[];
  /** Documents of the flows completed, in order. */
  issued: string[];
}

async function flow(ctx: Ctx, n: number, fig: Figures) {
  const t0 = performance.now();
  const created = await call(ctx, 'snv.cv', 'POST', '/api/documents/outgoing', {
    typeCode: 'QĐ',
    subject: `Về việc cử cán bộ tham gia lớp bồi dưỡng kiến thức quản lý nhà nước (đợt ${n})`,
    body: 'Căn cứ Luật Cán bộ, công chức;\nĐiều 1. Cử bà Phan Thị Ngọc Ánh tham gia lớp bồi dưỡng.\nĐiều 2. Quyết định có hiệu lực kể từ ngày ký.',
    signerId: ctx.signerId,
    consulteeIds: [],
    recipientAgencyIds: [ctx.ubndAgencyId],
  });
  fig.createMs.push(performance.now() - t0);
  const id = created.id as string;
  const instanceId = created.processInstanceId as string;
  if (!id || !instanceId) throw new ApiError(`create: no id / processInstanceId in ${JSON.stringify(created)}`);
  for (const step of STEPS) {
    const w0 = performance.now();
    const task = await poll(`${step.elementId} task of flow ${n}`, ctx, async () => {
      for (const scope of ['mine', 'group']) {
        const list = await call(ctx, step.as, 'GET', `/api/tasks?scope=${scope}&state=open&limit=1000`);
        type Row = { id: string; businessKey: string; elementId: string; assigneeId: string | null };
        const found = ((list.items ?? list) as Row[]).find(
          (x) => x.businessKey === id && x.elementId === step.elementId,
        );
        if (found) return found;
      }
      return undefined;
    });
    (fig.waitMs[step.elementId] ??= []).push(performance.now() - w0);
    if (!task.assigneeId) await call(ctx, step.as, 'POST', `/api/tasks/${task.id}/claim`);
    const c0 = performance.now();
    await call(ctx, step.as, 'POST', `/api/tasks/${task.id}/complete`, { variables: step.variables });
    (fig.completeMs[step.elementId] ??= []).push(performance.now() - c0);
  }
  const s0 = performance.now();
  await poll(`flow ${n} issued and its instance completed`, ctx, async () => {
    const doc = await call(ctx, 'snv.cv', 'GET', `/api/documents/${id}`);
    if (doc.status !== 'issued') return undefined;
    const inst = await call(ctx, 'snv.cv', 'GET', `/api/workflow/instances/${instanceId}`);
    if (inst.state === 'incident' || inst.state === 'cancelled')
      throw new ApiError(`flow ${n}: instance ${instanceId} is ${inst.state}`);
    return inst.state === 'completed' ? true : undefined;
  });
  fig.settleMs.push(performance.now() - s0);
  fig.flowMs.push(performance.now() - t0);
  fig.issued.push(id);
}

/** Runs `count` flows, `concurrency` at a time; failed flows are counted, not retried. */
async function runFlows(ctx: Ctx, first: number, count: number, concurrency: number, fig: Figures) {
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < count) {
      const n = first + next++;
      try {
        await flow(ctx, n, fig);
      } catch (e) {
        failed++;
        if (!(e instanceof ApiError)) ctx.errors.push(`flow ${n}: ${(e as Error).stack ?? e}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return failed;
}

function mysqlAdmin(sql: string) {
  const u = new URL(MYSQL_BASE.replace(/^mariadb:/, 'mysql:'));
  const r = spawnSync('mysql', ['-h', u.hostname, '-P', u.port || '3306', '-u', u.username || 'root', '-e', sql], {
    env: { ...process.env, ...(u.password ? { MYSQL_PWD: decodeURIComponent(u.password) } : {}) },
  });
  if (r.status !== 0) throw new Error(`mysql: ${sql}: ${r.stderr}`);
}

/** A fresh, empty database for the driver (BenchDb as startServer reads it: dataDir and databaseUrl). */
function freshDb(driver: 'sqlite' | 'mysql'): { db: BenchDb; drop: () => void } {
  const dataDir = mkdtempSync(join(tmpdir(), `hoso-bench-flow-${driver}-`));
  let databaseUrl = `sqlite:${join(dataDir, 'hoso.sqlite')}`;
  let dropDb = () => {};
  if (driver === 'mysql') {
    const name = `hoso_bench_flow_${process.pid}`;
    mysqlAdmin(
      `DROP DATABASE IF EXISTS ${name}; CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    const u = new URL(MYSQL_BASE.replace(/^mariadb:/, 'mysql:'));
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDb = () => mysqlAdmin(`DROP DATABASE IF EXISTS ${name}`);
  }
  const manifest = {
    documents: 0,
    openTasks: 0,
    seconds: 0,
    rows: {},
    bench: { agencyId: '', leader: '', clerk: '', staff: [] },
  };
  return {
    db: { dataDir, databaseUrl, driver, manifest },
    drop: () => {
      dropDb();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measure(driver: 'sqlite' | 'mysql', build: { name: string; root: string }) {
  const { db, drop } = freshDb(driver);
  let server: BenchServer | undefined;
  try {
    const s0 = performance.now();
    server = await startServer(db, { HTTP_WORKERS }, build.root);
    const startSeconds = Math.round((performance.now() - s0) / 100) / 10;
    const pid = server.proc.pid!;
    const tokens = {} as Record<User, string>;
    for (const u of USERS) tokens[u] = await login(server.url, u);
    const ctx: Ctx = { url: server.url, tokens, signerId: '', ubndAgencyId: '', errors: [], requests: 0 };
    ctx.signerId = (await call(ctx, 'snv.giamdoc', 'GET', '/api/auth/me')).id;
    ctx.ubndAgencyId = (await call(ctx, 'chutich', 'GET', '/api/auth/me')).agencyId;
    const rssRestEachMb = rssTree(pid).map(Math.round);

    const warm: Figures = { completeMs: {}, waitMs: {}, createMs: [], flowMs: [], settleMs: [], issued: [] };
    const warmFailed = await runFlows(ctx, 1, WARMUP, WARMUP, warm);
    if (warmFailed) throw new Error(`warm-up failed:\n${ctx.errors.slice(0, 10).join('\n')}`);

    const fig: Figures = { completeMs: {}, waitMs: {}, createMs: [], flowMs: [], settleMs: [], issued: [] };
    let rssPeakMb = 0;
    let rssPeakEachMb: number[] = [];
    const sampler = setInterval(() => {
      const each = rssTree(pid);
      const sum = each.reduce((a, b) => a + b, 0);
      if (sum > rssPeakMb) [rssPeakMb, rssPeakEachMb] = [sum, each.map(Math.round)];
    }, 200);
    const loadStart = load();
    const requests0 = ctx.requests;
    const t0 = performance.now();
    const failed = await runFlows(ctx, WARMUP + 1, FLOWS, CONCURRENCY, fig);
    const wallMs = performance.now() - t0;
    const loadEnd = load();
    clearInterval(sampler);
    const completed = fig.flowMs.length;
    const issuedPdfBytes = fig.issued.length
      ? (
          await fetch(`${server.url}/api/documents/${fig.issued[0]}/pdf`, {
            headers: { authorization: `Bearer ${tokens['snv.cv']}` },
          })
        ).arrayBuffer()
      : undefined;
    const steps = Object.fromEntries(
      STEPS.map((s) => [
        s.elementId,
        {
          as: s.as,
          completeP50Ms: pct(fig.completeMs[s.elementId] ?? [], 50),
          completeP99Ms: pct(fig.completeMs[s.elementId] ?? [], 99),
          waitForTaskP50Ms: pct(fig.waitMs[s.elementId] ?? [], 50),
          waitForTaskP99Ms: pct(fig.waitMs[s.elementId] ?? [], 99),
          n: (fig.completeMs[s.elementId] ?? []).length,
        },
      ]),
    );
    return {
      driver,
      build: build.name,
      issuedPdfBytes: issuedPdfBytes ? (await issuedPdfBytes).byteLength : null,
      httpWorkers: Number(HTTP_WORKERS),
      serverStartSeconds: startSeconds,
      flows: FLOWS,
      concurrency: CONCURRENCY,
      warmupFlows: WARMUP,
      completed,
      failed,
      errors: ctx.errors.length,
      errorSamples: ctx.errors.slice(0, 20),
      requests: ctx.requests - requests0,
      wallSeconds: Math.round(wallMs / 10) / 100,
      flowsPerSecond: Math.round((completed / wallMs) * 1000 * 100) / 100,
      flowMs: { p50: pct(fig.flowMs, 50), p99: pct(fig.flowMs, 99), max: pct(fig.flowMs, 100) },
      createMs: { p50: pct(fig.createMs, 50), p99: pct(fig.createMs, 99) },
      settleAfterAgencySignMs: { p50: pct(fig.settleMs, 50), p99: pct(fig.settleMs, 99) },
      steps,
      rssMb: { restEach: rssRestEachMb, peak: Math.round(rssPeakMb), peakEach: rssPeakEachMb },
      loadAverage: { start: loadStart, end: loadEnd },
    };
  } finally {
    await server?.stop();
    drop();
  }
}

async function main() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const startedAt = new Date().toISOString();
  const loadAtStart = load();
  const runs: Awaited<ReturnType<typeof measure>>[] = [];
  const fatal: { driver: string; error: string }[] = [];
  const builds = benchBuilds();
  for (const d of DRIVERS)
    await alternatingRounds(builds, ROUNDS, async (b) => {
      console.log(`\n${d}, ${b.name}: ${FLOWS} flows, ${CONCURRENCY} at a time, HTTP_WORKERS=${HTTP_WORKERS} …`);
      try {
        const r = await measure(d, b);
        runs.push(r);
        return `${r.completed}/${r.flows} completed in ${r.wallSeconds} s → ${r.flowsPerSecond} flows/s, flow p50 ${r.flowMs.p50} ms p99 ${r.flowMs.p99} ms, errors ${r.errors}, load ${r.loadAverage.start[0]}→${r.loadAverage.end[0]}`;
      } catch (e) {
        console.error(`${d}: the run failed: ${(e as Error).stack ?? e}`);
        fatal.push({ driver: d, error: String((e as Error).message ?? e).slice(0, 2000) });
        return 'failed';
      }
    });

  const name = (r: { driver: string; build?: string }) =>
    `${r.driver === 'mysql' ? 'MariaDB' : 'SQLite'}${builds.length > 1 && r.build ? `, ${r.build}` : ''}`;
  const table: Record<string, string | number>[] = [];
  for (const r of runs) {
    table.push({ driver: name(r), figure: 'completed flows/s', value: r.flowsPerSecond });
    table.push({ driver: name(r), figure: 'flow p50 / p99 ms', value: `${r.flowMs.p50} / ${r.flowMs.p99}` });
    for (const [el, s] of Object.entries(r.steps))
      table.push({
        driver: name(r),
        figure: `POST complete ${el} p50 / p99 ms`,
        value: `${s.completeP50Ms} / ${s.completeP99Ms}`,
      });
    table.push({ driver: name(r), figure: 'server RSS peak MB', value: r.rssMb.peak });
    table.push({ driver: name(r), figure: 'issued PDF bytes', value: r.issuedPdfBytes ?? '' });
    table.push({ driver: name(r), figure: 'errors', value: r.errors });
  }
  console.log();
  console.table(table);

  const summary: { metric: string; value: string | number; target?: string; ok?: boolean }[] = runs.flatMap((r) => [
    {
      metric: `outgoing-document flows completed end to end through the API (${name(r)}, ${r.concurrency} at a time, ${r.httpWorkers} HTTP workers)`,
      value: `${r.flowsPerSecond} flows/s (${r.completed} in ${r.wallSeconds} s)`,
    },
    {
      metric: `outgoing flow duration, create → issued and instance ended (${name(r)})`,
      value: `p50 ${r.flowMs.p50} ms, p99 ${r.flowMs.p99} ms`,
    },
    {
      metric: `POST /api/tasks/:id/complete p50/p99 ms by step (${name(r)})`,
      value: Object.entries(r.steps)
        .map(([el, s]) => `${el} ${Math.round(s.completeP50Ms)}/${Math.round(s.completeP99Ms)}`)
        .join(', '),
    },
    { metric: `server RSS peak during the flows (${name(r)})`, value: `${r.rssMb.peak} MB` },
    { metric: `size of an issued PDF (one page, two signatures) (${name(r)})`, value: `${r.issuedPdfBytes} bytes` },
    { metric: `non-2xx responses and timeouts (${name(r)})`, value: r.errors, target: '0', ok: r.errors === 0 },
  ]);
  for (const f of fatal)
    summary.push({
      metric: `outgoing-document flows (${name(f)})`,
      value: `run failed: ${f.error.split('\n')[0]}`,
      target: 'a completed run',
      ok: false,
    });
  const out = {
    benchmark: 'outgoing-flow',
    measuredAt: startedAt,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverage: { start: loadAtStart, end: load() } },
    flows: FLOWS,
    concurrency: CONCURRENCY,
    warmupFlows: WARMUP,
    httpWorkers: Number(HTTP_WORKERS),
    summary,
    runs,
    failedRuns: fatal,
  };
  writeFileSync(join(RESULTS_DIR, 'outgoing-flow.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(`written to bench/results/outgoing-flow.json`);
  const bad = runs.filter((r) => r.errors || r.failed);
  if (bad.length || fatal.length) {
    for (const r of bad)
      console.error(`\n${r.driver}: ${r.failed} flows failed, ${r.errors} errors:\n${r.errorSamples.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
