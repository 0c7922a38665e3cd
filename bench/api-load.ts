import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { completeEach, prepareCompletionTasks } from './support/completion-tasks.js';
import {
  drain,
  maxUsersUnder,
  runLoad,
  runUsers,
  table,
  THINK_MS,
  type LoadFigures,
  type LoadOptions,
} from './support/load.js';
import { api, benchDocuments, login, RESULTS_DIR, seededDb, startServer } from './support/server.js';

/**
 * npm run bench:api-load [-- --documents N]: the production build on loopback (as `npm start` runs it: one HTTP
 * worker process per CPU), over the generated province (seed:scale, cached): inbox, document list with filters
 * (with and without `q`), document detail, task completion, each under two load models at 100 and 500:
 * - closed loop: N connections with no think time (autocannon), i.e. saturation;
 * - concurrent users: N virtual users, each sending a request then thinking (exponential, mean BENCH_THINK_MS,
 *   1 s), so 100 / 500 users offer about 100 / 500 requests per second;
 * then the largest number of thinking users (≈ requests/s offered) whose p99 meets the target.
 * Targets (issue 8): p99 < 50 ms reads, < 200 ms task completion.
 * Every read first runs BENCH_WARMUP_SECONDS (5) unmeasured at 50 connections (cold JIT code after start).
 * Env: BENCH_DOCUMENTS (default 100000), BENCH_SECONDS (10), BENCH_CONNECTIONS ("100,500"), BENCH_SEARCH_SECONDS
 * (8, per step of the maximum-rate search), BENCH_THINK_MS (1000), BENCH_HTTP_WORKERS (CPUs),
 * BENCH_DATABASE_URL (MariaDB instead of SQLite).
 */
const DOCUMENTS = benchDocuments();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SEARCH_SECONDS = Number(process.env.BENCH_SEARCH_SECONDS ?? 8);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '100,500').split(',').map(Number);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const TERMS = ['ke hoach', 'báo cáo', 'chuyen doi so', 'thi đua', 'tuyen dung', 'hội nghị'];
const READ_TARGET = 50;
const COMPLETION_TARGET = 200;
const COMPLETION = 'task completion (POST /api/tasks/:id/complete)';

async function main(): Promise<void> {
  const db = seededDb(DOCUMENTS);
  const server = await startServer(db);
  const rows: LoadFigures[] = [];
  const maxRates: { scenario: string; users: number; throughput: number; p99: number; steps: LoadFigures[] }[] = [];
  const rss = { restMb: 0, peakMb: 0, restEachMb: [] as number[], peakEachMb: [] as number[] };
  const rssByPhase: { phase: string; mb: number[] }[] = [];
  const log = async (f: LoadFigures) => {
    rows.push(f);
    const each = server.rssEachMb().map(Math.round);
    rssByPhase.push({ phase: `${f.scenario} ${f.model} @${f.connections}`, mb: each });
    console.log(
      `${f.scenario} ${f.model} @${f.connections}: ${f.throughput} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms` +
        (f.p99Connected !== undefined ? ` (p99 without connecting: ${f.p99Connected} ms)` : '') +
        ` (${f.requests} requests, ${f.non2xx} non-2xx, ${f.errors} errors; generator ${f.generatorCpu}% CPU; RSS ${each.join(' + ')} MB; load ${loadavg()[0].toFixed(2)})`,
    );
    // let the server drain what a saturating run left queued before the next run measures
    await drain();
    return f;
  };
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
    await drain();
    rss.restEachMb = server.rssEachMb().map(Math.round);
    rss.restMb = rss.restEachMb.reduce((a, b) => a + b, 0);
    const sampler = setInterval(() => {
      const each = server.rssEachMb().map(Math.round);
      const sum = each.reduce((a, b) => a + b, 0);
      if (sum > rss.peakMb) Object.assign(rss, { peakMb: sum, peakEachMb: each });
    }, 200);

    let i = 0;
    const year = new Date().getFullYear();
    // the generated province files earlier years' outgoing documents: a filter that matches (each request a full
    // page, as a clerk browsing a year sees), not an empty list
    const statusOf = (y: number) => (y === year ? 'issued' : 'filed');
    const reads: (Omit<LoadOptions, 'connections' | 'url' | 'seconds'> & { scenario: string })[] = [
      {
        scenario: 'inbox (GET /api/tasks?scope=mine&state=open)',
        token: () => staff[i++ % staff.length],
        next: () => ({ path: '/api/tasks?scope=mine&state=open' }),
      },
      {
        // every open tab of the web app asks for these once a minute (frontend/src/app.tsx)
        scenario: 'task counts (GET /api/tasks/counts)',
        token: () => staff[i++ % staff.length],
        next: () => ({ path: '/api/tasks/counts' }),
      },
      {
        scenario: 'document list (direction, status, q, from/to)',
        token: leader,
        next: () => {
          const q = encodeURIComponent(TERMS[i++ % TERMS.length]);
          const y = year - (i % 3);
          return {
            path: `/api/documents?direction=outgoing&status=${statusOf(y)}&q=${q}&from=${y}-01-01&to=${y}-12-31`,
          };
        },
      },
      {
        scenario: 'document list (direction, status, from/to, no q)',
        token: leader,
        next: () => {
          const y = year - (i++ % 3);
          return { path: `/api/documents?direction=outgoing&status=${statusOf(y)}&from=${y}-01-01&to=${y}-12-31` };
        },
      },
      {
        scenario: 'document detail (GET /api/documents/:id)',
        token: leader,
        next: () => ({ path: `/api/documents/${ids[i++ % ids.length]}` }),
      },
    ];
    // warm-up, not measured: the first requests after start run on cold JIT code and an empty page cache
    for (const s of reads) await runLoad({ ...s, url: server.url, connections: 50, seconds: WARMUP_SECONDS });
    await drain();
    for (const s of reads) {
      for (const connections of CONNECTIONS) {
        await log(await runLoad({ ...s, url: server.url, connections, seconds: SECONDS }));
        await log(await runUsers({ ...s, url: server.url, connections, seconds: SECONDS }));
      }
      const search = await maxUsersUnder(READ_TARGET, {
        ...s,
        url: server.url,
        connections: 0,
        seconds: SEARCH_SECONDS,
      });
      for (const f of search.steps) await log(f);
      maxRates.push({
        scenario: s.scenario,
        users: search.best?.connections ?? 0,
        throughput: search.best?.throughput ?? 0,
        p99: search.best?.p99 ?? 0,
        steps: search.steps,
      });
    }

    // task completion: real tasks of a one-task process, each completed once (prepared before each run)
    const completionRun = async (model: 'closed' | 'users', connections: number, amount: number) => {
      const t = Date.now();
      const tasks = await prepareCompletionTasks(server.url, admin, db, cvId, amount);
      console.log(`${tasks.length} completion tasks prepared in ${Math.round((Date.now() - t) / 1000)} s`);
      const opts: LoadOptions = {
        scenario: COMPLETION,
        url: server.url,
        connections,
        seconds: 3600,
        amount: tasks.length,
        token: cv,
        next: completeEach(tasks),
      };
      return await log(model === 'closed' ? await runLoad(opts) : await runUsers(opts));
    };
    const usersRuns: LoadFigures[] = [];
    for (const connections of CONNECTIONS) {
      await completionRun('closed', connections, Math.max(connections * 4, 1000));
      // about SECONDS at one completion per user per think time
      usersRuns.push(await completionRun('users', connections, Math.round((connections * SECONDS * 1000) / THINK_MS)));
    }
    // largest rate meeting the target: bisect between the users counts measured above
    const okRun = (f: LoadFigures) => f.p99 < COMPLETION_TARGET && !f.errors && !f.non2xx;
    let lo = Math.max(0, ...usersRuns.filter(okRun).map((f) => f.connections));
    let hi = Math.min(...usersRuns.filter((f) => !okRun(f)).map((f) => f.connections));
    let best = usersRuns.filter(okRun).sort((a, b) => b.connections - a.connections)[0] ?? null;
    const steps: LoadFigures[] = [];
    for (let s = 0; s < 3 && Number.isFinite(hi) && hi - lo > 25; s++) {
      const n = Math.round((lo + hi) / 2);
      const f = await completionRun('users', n, Math.round((n * SEARCH_SECONDS * 1000) / THINK_MS));
      steps.push(f);
      if (okRun(f)) [lo, best] = [n, f];
      else hi = n;
    }
    maxRates.push({
      scenario: COMPLETION,
      users: best?.connections ?? 0,
      throughput: best?.throughput ?? 0,
      p99: best?.p99 ?? 0,
      steps,
    });
    clearInterval(sampler);
    console.log(table(rows));
  } finally {
    await server.stop();
  }
  const targetOf = (scenario: string) => (scenario === COMPLETION ? COMPLETION_TARGET : READ_TARGET);
  const out = {
    benchmark: 'api-load',
    measuredAt: new Date().toISOString(),
    database: db.driver,
    documents: db.manifest.documents,
    openTasksSeeded: db.manifest.openTasks,
    httpWorkers: Number(process.env.BENCH_HTTP_WORKERS ?? availableParallelism()),
    cpus: availableParallelism(),
    thinkMs: THINK_MS,
    // other work on the machine skews the figures: the 1-minute load average at the end of the run
    loadAverage: loadavg()[0],
    seconds: SECONDS,
    rssMb: rss,
    rssByPhase,
    maxRates,
    results: rows,
    summary: [
      ...rows
        .filter((r) => r.model === 'closed' || CONNECTIONS.includes(r.connections))
        .filter(
          (r, k, all) =>
            all.findIndex(
              (x) => x.scenario === r.scenario && x.model === r.model && x.connections === r.connections,
            ) === k,
        )
        .map((r) => ({
          metric: `${r.scenario} ${r.model === 'closed' ? 'closed loop' : 'users'} @${r.connections}`,
          value: `${r.throughput} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`,
          target: `p99 < ${targetOf(r.scenario)} ms`,
          ok: r.p99 < targetOf(r.scenario) && r.errors === 0 && r.non2xx === 0,
        })),
      ...maxRates.map((x) => ({
        metric: `${x.scenario}: most thinking users with p99 < ${targetOf(x.scenario)} ms`,
        value: `${x.users} users, ${x.throughput} req/s, p99 ${x.p99} ms`,
      })),
      {
        metric: 'RSS at rest / peak under load (all server processes)',
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
  console.log(
    `RSS at rest ${rss.restMb} MB (${rss.restEachMb.join(' + ')}), peak ${rss.peakMb} MB (${rss.peakEachMb.join(' + ')}) (${db.manifest.documents} documents, ${db.driver})`,
  );
  for (const x of maxRates)
    console.log(`max under target: ${x.scenario}: ${x.users} users, ${x.throughput} req/s, p99 ${x.p99} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
