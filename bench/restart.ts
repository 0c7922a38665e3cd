import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPLETION_PROCESS_ID, prepareCompletionTasks } from './support/completion-tasks.js';
import {
  api,
  benchBuilds,
  benchDocuments,
  login,
  openBenchDb,
  resultHeader,
  RESULTS_DIR,
  seededDb,
  startServer,
  type BenchDb,
} from './support/server.js';

/**
 * npm run bench:restart [-- --base <checkout>]: how long a restarted server (after a crash, an update) takes to
 * serve again while BENCH_WAITING (5000) process instances wait on user tasks — a province has ~100,000 waiting
 * at any time. Measured from spawn to every HTTP worker answering, BENCH_ROUNDS (3) times. With --base, the
 * build of another checkout (its dist/, built there) is started on the same database in alternate rounds, so
 * both are measured side by side (e.g. the commit before a change). Province size: --documents N or BENCH_DOCUMENTS
 * (default 100000).
 */
const DOCUMENTS = benchDocuments();
const WAITING = Number(process.env.BENCH_WAITING ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function waitingInstances(db: BenchDb): Promise<number> {
  const ds = await openBenchDb(db);
  try {
    const [row] = await ds.query(
      `SELECT COUNT(*) AS n FROM workflow_instance WHERE process_id = ? AND state = 'active'`,
      [COMPLETION_PROCESS_ID],
    );
    return Number(row.n);
  } finally {
    await ds.destroy();
  }
}

async function main(): Promise<void> {
  const builds = benchBuilds();
  const db = seededDb(DOCUMENTS);
  // top up the waiting instances (they stay between runs: this benchmark never completes them)
  const have = await waitingInstances(db);
  if (have < WAITING) {
    const s = await startServer(db);
    try {
      const admin = await login(s.url, 'admin');
      // a generated staff member, not the other benchmarks' demo user (they complete that user's tasks)
      const staff = await login(s.url, db.manifest.bench.staff[0]);
      const staffId = (await api(s.url, staff, 'GET', '/api/auth/me')).body.id as string;
      const t = Date.now();
      await prepareCompletionTasks(s.url, admin, db, staffId, WAITING - have);
      console.log(`${WAITING - have} instances started in ${Math.round((Date.now() - t) / 1000)} s`);
    } finally {
      await s.stop();
    }
  }
  const waiting = await waitingInstances(db);
  const times: Record<string, number[]> = Object.fromEntries(builds.map((b) => [b.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const b of r % 2 ? [...builds].reverse() : builds) {
      const t = performance.now();
      const s = await startServer(db, {}, b.root);
      const ms = Math.round(performance.now() - t);
      await s.stop();
      times[b.name].push(ms);
      console.log(`${b.name}: ready in ${ms} ms`);
    }
  }
  if ((await waitingInstances(db)) !== waiting) throw new Error('a restart changed the number of waiting instances');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const out = {
    ...resultHeader('restart', db),
    waitingInstances: waiting,
    readyMs: times,
    summary: builds.map((b) => ({
      metric: `restart to serving, ${waiting} instances waiting (${b.name}), median of ${ROUNDS}`,
      value: `${(median(times[b.name]) / 1000).toFixed(1)} s (${times[b.name].map((x) => (x / 1000).toFixed(1)).join(', ')})`,
    })),
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'restart.json'), JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out.summary, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
