import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { prepareCompletionTasks } from './support/completion-tasks.js';
import { runLoad, table, type LoadFigures } from './support/load.js';
import { api, login, RESULTS_DIR, seededDb, startServer } from './support/server.js';

/**
 * npm run bench:api-load [-- --documents N]: the production build on loopback, over the generated province
 * (seed:scale, cached), under autocannon at 100 and 500 connections: inbox, document list with filters,
 * document detail, task completion. Targets (issue 8): p99 < 50 ms reads, < 200 ms task completion.
 * Env: BENCH_DOCUMENTS (default 100000), BENCH_SECONDS (10), BENCH_CONNECTIONS ("100,500"),
 * BENCH_DATABASE_URL (MariaDB instead of SQLite).
 */
const argDocs = process.argv.indexOf('--documents');
const DOCUMENTS = Number(argDocs >= 0 ? process.argv[argDocs + 1] : (process.env.BENCH_DOCUMENTS ?? 100_000));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '100,500').split(',').map(Number);
const TERMS = ['ke hoach', 'báo cáo', 'chuyen doi so', 'thi đua', 'tuyen dung', 'hội nghị'];

async function main(): Promise<void> {
  const db = seededDb(DOCUMENTS);
  const server = await startServer(db);
  const rows: LoadFigures[] = [];
  const rss = { restMb: 0, peakMb: 0 };
  try {
    const m = db.manifest.bench;
    const leader = await login(server.url, m.leader);
    const staff = await Promise.all(m.staff.slice(0, 20).map((u) => login(server.url, u)));
    const admin = await login(server.url, 'admin');
    const cv = await login(server.url, 'cv.vp');
    const cvId = (await api(server.url, cv, 'GET', '/api/auth/me')).body.id as string;

    // document ids the leader may open (from the list itself, across several pages)
    const ids: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const r = await api(server.url, leader, 'GET', `/api/documents?direction=outgoing&page=${page}&pageSize=50`);
      for (const it of (r.body?.items ?? []) as { id: string }[]) ids.push(it.id);
    }
    if (!ids.length) throw new Error('the document list returned nothing: is the documents module seeded?');
    await new Promise((r) => setTimeout(r, 2000));
    rss.restMb = Math.round(server.rssMb());
    const sampler = setInterval(() => (rss.peakMb = Math.max(rss.peakMb, Math.round(server.rssMb()))), 200);

    let i = 0;
    const year = new Date().getFullYear();
    for (const connections of CONNECTIONS) {
      rows.push(
        await runLoad({
          scenario: 'inbox (GET /api/tasks?scope=mine&state=open)',
          url: server.url,
          connections,
          seconds: SECONDS,
          token: () => staff[i++ % staff.length],
          next: () => ({ path: '/api/tasks?scope=mine&state=open' }),
        }),
      );
      rows.push(
        await runLoad({
          scenario: 'document list (direction, status, q, from/to)',
          url: server.url,
          connections,
          seconds: SECONDS,
          token: leader,
          next: () => {
            const q = encodeURIComponent(TERMS[i++ % TERMS.length]);
            const y = year - (i % 3);
            return { path: `/api/documents?direction=outgoing&status=issued&q=${q}&from=${y}-01-01&to=${y}-12-31` };
          },
        }),
      );
      rows.push(
        await runLoad({
          scenario: 'document detail (GET /api/documents/:id)',
          url: server.url,
          connections,
          seconds: SECONDS,
          token: leader,
          next: () => ({ path: `/api/documents/${ids[i++ % ids.length]}` }),
        }),
      );
      const amount = Math.max(connections * 4, 1000);
      const tasks = await prepareCompletionTasks(server.url, admin, db, cvId, amount).catch((e: Error) => {
        console.log(`task completion skipped: ${e.message}`);
        return [] as string[];
      });
      let t = 0;
      if (tasks.length)
        rows.push(
          await runLoad({
            scenario: 'task completion (POST /api/tasks/:id/complete)',
            url: server.url,
            connections,
            amount: tasks.length,
            token: cv,
            next: () =>
              t < tasks.length
                ? { method: 'POST', path: `/api/tasks/${tasks[t++]}/complete`, body: { variables: {} } }
                : undefined,
          }),
        );
      console.log(table(rows));
    }
    clearInterval(sampler);
  } finally {
    await server.stop();
  }
  const out = {
    benchmark: 'api-load',
    measuredAt: new Date().toISOString(),
    database: db.driver,
    documents: db.manifest.documents,
    openTasksSeeded: db.manifest.openTasks,
    // other work on the machine skews the figures: the 1-minute load average at the end of the run
    loadAverage: loadavg()[0],
    seconds: SECONDS,
    rssMb: rss,
    results: rows,
    summary: [
      ...rows.map((r) => ({
        metric: `${r.scenario} @${r.connections}`,
        value: `${r.throughput} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`,
        target: r.scenario.startsWith('task completion') ? 'p99 < 200 ms' : 'p99 < 50 ms',
        ok: r.p99 < (r.scenario.startsWith('task completion') ? 200 : 50) && r.errors === 0 && r.non2xx === 0,
      })),
      {
        metric: 'RSS at rest / peak under load',
        value: `${rss.restMb} / ${rss.peakMb} MB`,
        target: '< 400 MB',
        ok: rss.peakMb < 400,
      },
    ],
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  // SQLite (the default) and MariaDB runs keep separate files, so both can stand in the summary
  writeFileSync(
    join(RESULTS_DIR, db.driver === 'mysql' ? 'api-load-mysql.json' : 'api-load.json'),
    JSON.stringify(out, null, 2),
  );
  console.log(table(rows));
  console.log(`RSS at rest ${rss.restMb} MB, peak ${rss.peakMb} MB (${db.manifest.documents} documents, ${db.driver})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
