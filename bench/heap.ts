import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completeEach, prepareCompletionTasks } from './support/completion-tasks.js';
import { drain, mixedReads, runLoad, runUsers } from './support/load.js';
import {
  alternatingRounds,
  api,
  benchDocuments,
  cpuTreeMs,
  login,
  mean,
  pssTree,
  resultHeader,
  RESULTS_DIR,
  rssTree,
  seededDb,
  startServer,
} from './support/server.js';

/**
 * npm run bench:heap [-- --documents N] [--variants 0/0,100/8,50/8]: the HTTP workers' heap settings side by side
 * on one database, each variant `growth/semi-space` (HTTP_WORKER_HEAP_GROWTH / HTTP_WORKER_SEMI_SPACE_MB; 0/0 is
 * V8's own behaviour), BENCH_ROUNDS (2) rounds in alternating order. Each round prepares 3,000 open tasks, restarts
 * the server with the variant, then measures: mixed reads at 200 connections for 10 s (throughput, p99, peak RSS),
 * 1,200 task completions at 32 connections (server CPU per completion), 1,500 completions by 100 thinking users
 * (p99, the completion target at 100 users), and the peak RSS and final PSS of all server processes.
 * Results: heap.json.
 */
const DOCUMENTS = benchDocuments();
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const variantsArg = process.argv.indexOf('--variants');
const VARIANTS = (variantsArg >= 0 ? process.argv[variantsArg + 1] : '0/0,100/8,50/8').split(',').map((v) => {
  const [growth, semi] = v.split('/').map(Number);
  return { name: `${growth}/${semi}`, growth, semi };
});

interface Round {
  readsPerSecond: number;
  readsP99: number;
  readsPeakRssMb: number;
  completionCpuMs: number;
  completionUsersP99: number;
  peakRssMb: number;
  pssMb: number;
  errors: number;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function round(db: ReturnType<typeof seededDb>, growth: number, semi: number): Promise<Round> {
  const env = { HTTP_WORKER_HEAP_GROWTH: String(growth), HTTP_WORKER_SEMI_SPACE_MB: String(semi) };
  let server = await startServer(db, env);
  let tasks: string[];
  try {
    const admin = await login(server.url, 'admin');
    const cv = await login(server.url, 'cv.vp');
    const cvId = (await api(server.url, cv, 'GET', '/api/auth/me')).body.id as string;
    tasks = await prepareCompletionTasks(server.url, admin, db, cvId, 3000);
  } finally {
    await server.stop();
  }
  server = await startServer(db, env);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, sum(rssTree(server.proc.pid!)))), 200);
  try {
    const reads = await mixedReads(server.url, db.manifest.bench);
    const cv = await login(server.url, 'cv.vp');
    await runLoad({ scenario: 'warm-up', url: server.url, connections: 50, seconds: 4, ...reads });
    await drain();
    const r = await runLoad({ scenario: 'mixed reads', url: server.url, connections: 200, seconds: 10, ...reads });
    const readsPeakRssMb = Math.round(peak);
    const complete = { scenario: 'task completion', url: server.url, token: cv };
    await runLoad({ ...complete, connections: 20, amount: 300, next: completeEach(tasks.slice(0, 300)) });
    await drain();
    const cpu0 = cpuTreeMs(server.proc.pid!);
    const c = await runLoad({ ...complete, connections: 32, amount: 1200, next: completeEach(tasks.slice(300, 1500)) });
    const completionCpuMs = (cpuTreeMs(server.proc.pid!) - cpu0) / c.requests;
    await drain();
    const u = await runUsers({ ...complete, connections: 100, amount: 1500, next: completeEach(tasks.slice(1500)) });
    return {
      readsPerSecond: r.throughput,
      readsP99: r.p99,
      readsPeakRssMb,
      completionCpuMs: Math.round(completionCpuMs * 100) / 100,
      completionUsersP99: u.p99,
      peakRssMb: Math.round(peak),
      pssMb: Math.round(sum(pssTree(server.proc.pid!))),
      errors: r.errors + r.non2xx + c.errors + c.non2xx + u.errors + u.non2xx,
    };
  } finally {
    clearInterval(sampler);
    await server.stop();
  }
}

async function main(): Promise<void> {
  const db = seededDb(DOCUMENTS);
  const rounds = await alternatingRounds(VARIANTS, ROUNDS, (v) => round(db, v.growth, v.semi));
  const of = (name: string, k: keyof Round) => mean(rounds[name].map((x) => x[k]));
  const errors = sum(Object.values(rounds).flatMap((xs) => xs.map((x) => x.errors)));
  const out = {
    ...resultHeader('heap', db),
    variants: VARIANTS,
    rounds,
    summary: [
      ...VARIANTS.map((v) => ({
        metric: `HTTP workers' heap growth ${v.growth || "V8's own"} %, semi-space ${v.semi || "V8's own"} MB (mean of ${ROUNDS})`,
        value:
          `reads @200 ${of(v.name, 'readsPerSecond')} req/s, p99 ${of(v.name, 'readsP99')} ms, peak RSS ` +
          `${of(v.name, 'readsPeakRssMb')} MB; completion ${of(v.name, 'completionCpuMs')} ms CPU each, p99 @100 ` +
          `users ${of(v.name, 'completionUsersP99')} ms; peak RSS ${of(v.name, 'peakRssMb')} MB, PSS after ` +
          `${of(v.name, 'pssMb')} MB`,
      })),
      { metric: 'errors (all variants)', value: errors, target: 0, ok: errors === 0 },
    ],
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'heap.json'), JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out.summary, null, 2));
  if (errors) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
