import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Engine } from 'bpmn-engine';
import { evaluate } from 'feelin';
import { DataSource } from 'typeorm';
import { createApp, migrate } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { EmbeddedWorkflowEngine } from '../src/modules/workflow/engine/embedded/embedded-engine.js';
import { compile, parseModel } from '../src/modules/workflow/engine/embedded/model.js';
import type { UserTaskInfo } from '../src/modules/workflow/index.js';

/**
 * npm run bench:engine [-- --instances 2000] [--procs 2] [--drivers sqlite,mysql]
 * Instances per second, measured side by side in one run on this machine:
 *  (a) raw bpmn-engine in memory (parsed definition cached), one core;
 *  (b) hoso's embedded engine with durable state on SQLite, (c) the same on MariaDB — each with `--procs` app
 *      processes (default: one per core) advancing different instances of one database under the row lock;
 * for start → service task → end, and for a 3-user-task process completed by a driver (p50/p99 of a completion).
 * Writes bench/results/engine.json.
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('instances', '2000'));
const PROCS = Number(arg('procs', String(Math.max(1, cpus().length))));
const DRIVERS = arg('drivers', 'sqlite,mysql').split(',');
const MYSQL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const FIXTURES = join(__dirname, '..', '..', 'test', 'processes', 'fixtures');
const SERVICE_XML = readFileSync(join(FIXTURES, 'engine-bench-service.bpmn'), 'utf8');
const TASKS_XML = readFileSync(join(FIXTURES, 'engine-bench-tasks.bpmn'), 'utf8');

const pct = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100;
};
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000 * 10) / 10;

/** (a) plain bpmn-engine: cached source, a service implementation answering at once, user tasks signalled. */
async function raw(
  n: number,
  tasks: boolean,
): Promise<{ perSecond: number; cpuMsPerInstance: number; p50: number; p99: number }> {
  const model = await parseModel(tasks ? TASKS_XML : SERVICE_XML);
  const def = compile(model, 'raw', model.executable[0].id, 1);
  for (const a of def.source.getActivities())
    if (a.id === 'work')
      a.behaviour.Service = function Service() {
        return { execute: (_: unknown, cb: (e: null, o: unknown) => void) => cb(null, {}) };
      };
  const lat: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const vars: Record<string, unknown> = { drafter: 'u' };
    // the same model needs FEEL for its condition: evaluate `=…` with feelin, nothing else (no persistence)
    const expressions = {
      resolveExpression: (e: string) =>
        typeof e === 'string' && e.startsWith('=') ? evaluate(e.slice(1), vars).value : e,
      isExpression: () => false,
      hasExpression: () => false,
    };
    const engine = new (Engine as any)({ name: `raw-${i}`, sourceContext: def.source, expressions });
    const ended = new Promise((r) => engine.once('end', r));
    await engine.execute({ variables: { drafter: 'u' } });
    if (tasks)
      for (const id of ['draft', 'review', 'sign']) {
        const s = performance.now();
        await new Promise((r) => setImmediate(r));
        const api = engine.execution.getPostponed().find((p: { id: string }) => p.id === id);
        vars.decision = 'approve';
        api.signal({ decision: 'approve' });
        lat.push(performance.now() - s);
      }
    await ended;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    perSecond: rate(n, ms),
    cpuMsPerInstance: Math.round(((cpu.user + cpu.system) / 1000 / n) * 100) / 100,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
  };
}

interface ChildResult {
  count: number;
  ms: number;
  /** CPU time of the app process during the run (user + system). */
  cpuMs: number;
  completions: number[];
}

/** One app process of (b)/(c): waits for "go", runs its share, prints its timings. */
async function child(): Promise<void> {
  const [, , , dataDir, dbUrl, countStr, scenario] = process.argv;
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: dbUrl,
    SEED_DEMO: 'false',
    NODE_ENV: 'test',
  });
  const app = await createApp(config, {}, { logger: ['error'] });
  const engine = app.get(EmbeddedWorkflowEngine);
  engine.registerWorker('bench.work', async () => ({ variables: { done: true } }));
  const waiting = new Map<string, UserTaskInfo[]>();
  engine.onUserTask({
    async created(task) {
      waiting.set(task.processInstanceId, [...(waiting.get(task.processInstanceId) ?? []), task]);
    },
    async cancelled() {},
  });
  await engine.deploy(SERVICE_XML);
  await engine.deploy(TASKS_XML);
  // warm-up: definitions parsed and cached, JIT warm
  for (let i = 0; i < 20; i++) await engine.start({ processId: 'bench-service', variables: {} });
  process.stdout.write('ready\n');
  await new Promise<void>((r) => createInterface({ input: process.stdin }).once('line', () => r()));
  const count = Number(countStr);
  const completions: number[] = [];
  // instances in flight per app process
  // (measured: on SQLite more than one in flight only adds memory and lock retries; MySQL commits wait on I/O)
  const concurrency = Number(process.env.BENCH_ENGINE_CONCURRENCY ?? (dbUrl.startsWith('mysql') ? 4 : 1));
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        if (scenario === 'service') {
          await engine.start({ processId: 'bench-service', variables: {} });
          continue;
        }
        const { id } = await engine.start({ processId: 'bench-tasks', variables: { drafter: 'u1' } });
        for (let k = 0; k < 3; k++) {
          const task = waiting.get(id)!.shift()!;
          const s = performance.now();
          await engine.completeUserTask(task.key, { decision: 'approve' }, { by: 'u1' });
          completions.push(performance.now() - s);
        }
        waiting.delete(id);
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const result: ChildResult = { count, ms: performance.now() - t0, completions, cpuMs: (cpu.user + cpu.system) / 1000 };
  process.stdout.write(`result ${JSON.stringify(result)}\n`);
  await app.close();
  process.exit(0);
}

async function freshDb(driver: string): Promise<{ dataDir: string; url: string; drop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hoso-bench-engine-'));
  if (driver === 'sqlite')
    return {
      dataDir,
      url: `sqlite:${join(dataDir, 'hoso.sqlite')}`,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  const name = `hoso_bench_engine_${process.pid}`;
  const admin = new DataSource({ type: 'mysql', url: MYSQL });
  await admin.initialize();
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const u = new URL(MYSQL);
  u.pathname = `/${name}`;
  return {
    dataDir,
    url: u.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `procs` app processes on one fresh database; the rate is total instances over wall time. */
async function hoso(driver: string, scenario: 'service' | 'tasks', n: number, procs: number) {
  const db = await freshDb(driver);
  try {
    await migrate(loadConfig({ ...process.env, DATA_DIR: db.dataDir, DATABASE_URL: db.url, NODE_ENV: 'test' }));
    const share = Math.ceil(n / procs);
    // processes start one after the other: start-up steps of other modules are not safe to race on an empty DB
    const children: ReturnType<typeof spawn>[] = [];
    const lines: (() => Promise<string>)[] = [];
    for (let p = 0; p < procs; p++) {
      const c = spawn(process.execPath, [__filename, 'child', db.dataDir, db.url, String(share), scenario], {
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { ...process.env, ENGINE_POLL_MS: '60000' },
      });
      const rl = createInterface({ input: c.stdout! });
      const queue: string[] = [];
      const waiters: ((l: string) => void)[] = [];
      rl.on('line', (l) => (waiters.length ? waiters.shift()!(l) : queue.push(l)));
      c.once(
        'exit',
        (code) =>
          code &&
          waiters.forEach((w) => w(`result ${JSON.stringify({ count: 0, ms: 0, completions: [], failed: code })}`)),
      );
      const next = () => new Promise<string>((r) => (queue.length ? r(queue.shift()!) : waiters.push(r)));
      while ((await next()) !== 'ready');
      children.push(c);
      lines.push(next);
    }
    const t0 = performance.now();
    for (const c of children) c.stdin!.write('go\n');
    const results: ChildResult[] = [];
    for (const next of lines) {
      let l = await next();
      while (!l.startsWith('result ')) l = await next();
      results.push(JSON.parse(l.slice(7)));
    }
    const wall = performance.now() - t0;
    const total = results.reduce((s, r) => s + r.count, 0);
    const completions = results.flatMap((r) => r.completions);
    const cpuMs = results.reduce((s, r) => s + (r.cpuMs ?? 0), 0);
    return {
      perSecond: rate(total, wall),
      instances: total,
      procs,
      cpuMsPerInstance: Math.round((cpuMs / Math.max(1, total)) * 100) / 100,
      p50: pct(completions, 50),
      p99: pct(completions, 99),
    };
  } finally {
    await db.drop();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'child') return child();
  const out: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    loadAverageAtStart: loadavg()[0],
    instances: N,
    procs: PROCS,
  };
  const rawService = await raw(N, false);
  const rawTasks = await raw(Math.ceil(N / 4), true);
  out.raw = { service: rawService, tasks: rawTasks };
  console.log(
    `(a) raw bpmn-engine: ${rawService.perSecond}/s service (${rawService.cpuMsPerInstance} ms CPU each), ${rawTasks.perSecond}/s 3-task (signal p50 ${rawTasks.p50} ms)`,
  );
  for (const driver of DRIVERS) {
    const single = await hoso(driver, 'service', Math.ceil(N / 2), 1);
    const service = await hoso(driver, 'service', N, PROCS);
    const tasks = await hoso(driver, 'tasks', Math.ceil(N / 4), PROCS);
    out[driver] = { serviceOneProcess: single, service, tasks };
    console.log(
      `(${driver === 'sqlite' ? 'b' : 'c'}) hoso ${driver}: ${single.perSecond}/s service (1 process, ${single.cpuMsPerInstance} ms CPU each), ` +
        `${service.perSecond}/s service (${PROCS} processes), ` +
        `${tasks.perSecond}/s 3-task, completion p50 ${tasks.p50} ms p99 ${tasks.p99} ms`,
    );
  }
  const sqlite = out.sqlite as { service: { perSecond: number } } | undefined;
  if (sqlite) {
    out.ratioSqliteToRaw = Math.round((sqlite.service.perSecond / rawService.perSecond) * 100) / 100;
    out.targets = {
      'sqlite ≥ 50% of raw': (out.ratioSqliteToRaw as number) >= 0.5,
      'sqlite ≥ 250 service instances/s': sqlite.service.perSecond >= 250,
    };
    console.log(`ratio (b)/(a) = ${out.ratioSqliteToRaw}; targets: ${JSON.stringify(out.targets)}`);
  }
  type Figures = { perSecond: number; p50: number; p99: number; cpuMsPerInstance?: number; procs?: number };
  const summary: { metric: string; value: string; target?: string; ok?: boolean }[] = [
    {
      metric: '(a) raw bpmn-engine, start → service task → end',
      value: `${rawService.perSecond}/s (${rawService.cpuMsPerInstance} ms CPU each)`,
    },
    { metric: '(a) raw bpmn-engine, 3 user tasks signalled', value: `${rawTasks.perSecond}/s` },
  ];
  for (const driver of DRIVERS) {
    const r = out[driver] as { serviceOneProcess: Figures; service: Figures; tasks: Figures };
    const tag = driver === 'sqlite' ? '(b) SQLite' : '(c) MariaDB';
    summary.push(
      {
        metric: `${tag}, service, 1 app process`,
        value: `${r.serviceOneProcess.perSecond}/s (${r.serviceOneProcess.cpuMsPerInstance} ms CPU each)`,
      },
      {
        metric: `${tag}, service, ${PROCS} app processes`,
        value: `${r.service.perSecond}/s`,
        ...(driver === 'sqlite' ? { target: '≥ 250/s', ok: r.service.perSecond >= 250 } : {}),
      },
      {
        metric: `${tag}, 3 user tasks completed by the driver`,
        value: `${r.tasks.perSecond}/s, completion p50 ${r.tasks.p50} ms, p99 ${r.tasks.p99} ms`,
      },
    );
  }
  if (out.ratioSqliteToRaw !== undefined)
    summary.push({
      metric: '(b) / (a), service',
      value: String(out.ratioSqliteToRaw),
      target: '≥ 0.5',
      ok: (out.ratioSqliteToRaw as number) >= 0.5,
    });
  out.loadAverageAtEnd = loadavg()[0];
  out.summary = summary;
  mkdirSync(join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
  writeFileSync(join(__dirname, '..', '..', 'bench', 'results', 'engine.json'), JSON.stringify(out, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
