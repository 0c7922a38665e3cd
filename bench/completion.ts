import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPLETION_BPMN,
  COMPLETION_PROCESS_ID,
  completeEach,
  prepareCompletionTasks,
} from './support/completion-tasks.js';
import { engineFloor } from './support/engine-floor.js';
import { drain, runLoad } from './support/load.js';
import {
  alternatingRounds,
  api,
  benchBuilds,
  benchDocuments,
  cpuTreeMs,
  login,
  mean,
  resultHeader,
  RESULTS_DIR,
  seededDb,
  startServer,
} from './support/server.js';

/**
 * npm run bench:completion [-- --documents N] [--base <checkout>]: task completions per second through
 * POST /api/tasks/:id/complete at saturation (BENCH_CONNECTIONS, 32, no think time), and the server's CPU per
 * completion (all its processes, from /proc). Each round prepares BENCH_TASKS (2000) real open tasks of a
 * one-task process, restarts the server (no engine left in memory: every completion rebuilds its instance, as a
 * task completed hours after it was created does), completes a tenth unmeasured (JIT), then the rest.
 * With --base, the other checkout's build runs in alternate rounds on the same database: the ratio is the figure
 * (the machines are shared and noisy). BENCH_ROUNDS (2) per build; BENCH_DATABASE_URL for MariaDB. Then, with no
 * server running, the engine's own CPU per completion (bench/support/engine-floor.ts), a floor under the figure.
 * Results: completion[-mysql][-<connections> unless 32].json.
 */
const DOCUMENTS = benchDocuments();
const TASKS = Number(process.env.BENCH_TASKS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Round {
  completions: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuMsEach: number;
  errors: number;
}

async function round(db: ReturnType<typeof seededDb>, root: string): Promise<Round> {
  let server = await startServer(db, {}, root);
  let tasks: string[];
  try {
    const admin = await login(server.url, 'admin');
    const cv = await login(server.url, 'cv.vp');
    const cvId = (await api(server.url, cv, 'GET', '/api/auth/me')).body.id as string;
    tasks = await prepareCompletionTasks(server.url, admin, db, cvId, TASKS);
  } finally {
    await server.stop();
  }
  server = await startServer(db, {}, root);
  try {
    const cv = await login(server.url, 'cv.vp');
    const warm = Math.floor(tasks.length / 10);
    const base = { scenario: 'task completion', url: server.url, connections: CONNECTIONS, token: cv };
    // autocannon needs at least one request per connection
    await runLoad({
      ...base,
      connections: Math.min(CONNECTIONS, warm),
      amount: warm,
      next: completeEach(tasks.slice(0, warm)),
    });
    await drain(1000);
    const rest = tasks.slice(warm);
    const cpu0 = cpuTreeMs(server.proc.pid!);
    const f = await runLoad({ ...base, amount: rest.length, next: completeEach(rest) });
    const cpuMsEach = (cpuTreeMs(server.proc.pid!) - cpu0) / rest.length;
    return {
      completions: f.requests,
      perSecond: f.throughput,
      p50: f.p50,
      p99: f.p99,
      cpuMsEach: Math.round(cpuMsEach * 100) / 100,
      errors: f.errors + f.non2xx,
    };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const builds = benchBuilds();
  const db = seededDb(DOCUMENTS);
  const rounds = await alternatingRounds(builds, ROUNDS, (b) => round(db, b.root));
  // with no server running: the engine's own part of a completion, in this process
  const floor = await engineFloor(COMPLETION_BPMN, COMPLETION_PROCESS_ID);
  console.log(`engine alone: ${JSON.stringify(floor)}`);
  const errors = Object.values(rounds)
    .flat()
    .reduce((a, x) => a + x.errors, 0);
  const out = {
    ...resultHeader('completion', db),
    tasksPerRound: TASKS,
    connections: CONNECTIONS,
    rounds,
    engineFloor: floor,
    summary: [
      ...builds.map((b) => ({
        metric: `task completions/s at ${CONNECTIONS} connections, ${db.driver} (${b.name}), mean of ${ROUNDS}`,
        value: `${mean(rounds[b.name].map((x) => x.perSecond))}/s, ${mean(rounds[b.name].map((x) => x.cpuMsEach))} ms CPU each, p99 ${mean(rounds[b.name].map((x) => x.p99))} ms`,
      })),
      {
        metric:
          'the engine alone per completion (bpmn-engine recovered from saved state, task signalled, run to its end, state saved; in memory, no database or HTTP)',
        value: `${floor.msEach} ms CPU each: at most ${floor.bestPerSecond}/s on all cores`,
      },
      { metric: `completion errors (${db.driver})`, value: errors, target: 0, ok: errors === 0 },
    ],
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `completion${db.driver === 'mysql' ? '-mysql' : ''}${CONNECTIONS === 32 ? '' : `-${CONNECTIONS}`}.json`;
  writeFileSync(join(RESULTS_DIR, file), JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out.summary, null, 2));
  if (errors) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
