import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { completeEach, prepareCompletionTasks } from './support/completion-tasks.js';
import { mixedReads, runLoad } from './support/load.js';
import { api, benchDocuments, login, RESULTS_DIR, seededDb, startServer } from './support/server.js';

/**
 * npm run bench:memory [-- --documents N]: server RSS (from /proc; the cluster primary and its HTTP workers, summed and each) right
 * after start, at rest after warm-up, peak under a mixed read load (inbox, filtered list, detail) at 200
 * connections, 5 s after the load (does it come back?), then with BENCH_WAITING (500) process instances waiting
 * on a user task (the embedded engine keeps running instances in memory), after they are completed and
 * BENCH_IDLE_SECONDS (45) later (the heap grown for the burst given back). With each
 * RSS figure, the PSS of the same processes (shared pages counted once in all: the memory the server occupies).
 * Target (issue 8): < 400 MB at 1M documents. Env: BENCH_DOCUMENTS (default 100000), BENCH_SECONDS (20),
 * BENCH_HTTP_WORKERS (CPUs), BENCH_WAITING (500), BENCH_IDLE_SECONDS (45).
 */
const DOCUMENTS = benchDocuments();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WAITING = Number(process.env.BENCH_WAITING ?? 500);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 45);

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const db = seededDb(DOCUMENTS);
  const server = await startServer(db);
  const each = () => server.rssEachMb().map(Math.round);
  const pss = {} as Record<string, number>;
  const distinct = {} as Record<string, number | undefined>;
  const notePss = (k: string) => (pss[k] = Math.round(sum(server.pssEachMb())));
  const noteDistinct = (k: string) => {
    const mb = server.residentMb();
    if (mb !== undefined) distinct[k] = Math.max(distinct[k] ?? 0, Math.round(mb));
  };
  const mem = {
    startedMb: 0,
    restMb: 0,
    peakMb: 0,
    afterMb: 0,
    waitingMb: 0,
    completedMb: 0,
    idleMb: 0,
    each: {} as Record<string, number[]>,
  };
  const note = (k: 'startedMb' | 'restMb' | 'afterMb' | 'waitingMb' | 'completedMb' | 'idleMb') => {
    mem.each[k] = each();
    mem[k] = sum(mem.each[k]);
    notePss(k);
    noteDistinct(k);
  };
  note('startedMb');
  try {
    const reads = await mixedReads(server.url, db.manifest.bench);
    await new Promise((r) => setTimeout(r, 3000));
    note('restMb');
    // the distinct pages take ~0.5 s of CPU to read: at a new peak of summed RSS, at most once a second
    let distinctAt = 0;
    const sampler = setInterval(() => {
      const now = each();
      if (sum(now) > mem.peakMb) {
        [mem.peakMb, mem.each.peakMb] = [sum(now), now];
        notePss('peakMb');
        if (Date.now() - distinctAt > 1000) {
          distinctAt = Date.now();
          noteDistinct('peakMb');
        }
      }
    }, 200);
    const figures = await runLoad({
      scenario: 'mixed reads',
      url: server.url,
      connections: 200,
      seconds: SECONDS,
      ...reads,
    });
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 5000));
    note('afterMb');

    // running instances: each waits on a user task, and the embedded engine keeps it live in memory
    const admin = await login(server.url, 'admin');
    const cv = await login(server.url, 'cv.vp');
    const cvId = (await api(server.url, cv, 'GET', '/api/auth/me')).body.id as string;
    const tasks = await prepareCompletionTasks(server.url, admin, db, cvId, WAITING);
    note('waitingMb');
    await runLoad({
      scenario: 'complete',
      url: server.url,
      connections: 50,
      amount: tasks.length,
      token: cv,
      next: completeEach(tasks),
    });
    await new Promise((r) => setTimeout(r, 3000));
    note('completedMb');
    // V8 gives back the heap it grew for the burst only once the process has been idle a while (its memory
    // reducer: seen 20–35 s after the completions)
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    note('idleMb');

    // each figure twice: the processes' RSS summed (the node binary's ~45 MB of code counted once per process), and
    // the server's distinct resident pages (each physical page once: what the machine gives the server)
    type Point = 'restMb' | 'peakMb' | 'waitingMb' | 'completedMb' | 'idleMb';
    const judged = (label: string, k: Point, target = true) => [
      {
        metric: `RSS ${label} (all server processes, summed)`,
        value: `${mem[k]} MB (${(mem.each[k] ?? []).join(' + ')}; PSS ${pss[k]})`,
        ...(target ? { target: '< 400 MB', ok: mem[k] < 400 } : {}),
      },
      ...(distinct[k] === undefined
        ? []
        : [
            {
              metric: `Resident memory ${label} (distinct pages of all server processes)`,
              value: `${distinct[k]} MB`,
              ...(target ? { target: '< 400 MB', ok: distinct[k]! < 400 } : {}),
            },
          ]),
    ];
    const out = {
      benchmark: 'memory',
      measuredAt: new Date().toISOString(),
      database: db.driver,
      documents: db.manifest.documents,
      httpWorkers: Number(process.env.BENCH_HTTP_WORKERS ?? availableParallelism()),
      loadAverage: loadavg()[0],
      rssMb: mem,
      pssMb: pss,
      distinctMb: distinct,
      load: figures,
      summary: [
        {
          metric: 'RSS after start (all server processes)',
          value: `${mem.startedMb} MB (${mem.each.startedMb.join(' + ')})`,
        },
        ...judged('at rest', 'restMb'),
        ...judged('peak under load (200 conns of reads)', 'peakMb'),
        { metric: 'RSS 5 s after load', value: `${mem.afterMb} MB (${mem.each.afterMb.join(' + ')})` },
        ...judged(`with ${tasks.length} instances waiting on a user task`, 'waitingMb'),
        ...judged('after completing them', 'completedMb', false),
        ...judged(`${IDLE_SECONDS} s later, idle`, 'idleMb'),
      ],
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'memory.json'), JSON.stringify(out, null, 2));
    console.log(JSON.stringify(out.summary, null, 2));
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
