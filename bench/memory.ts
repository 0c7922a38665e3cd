import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './support/load.js';
import { api, login, RESULTS_DIR, seededDb, startServer } from './support/server.js';

/**
 * npm run bench:memory: server RSS (from /proc) right after start, at rest after warm-up, peak under a mixed
 * read load (inbox, filtered list, detail) at 200 connections, and 5 s after the load (does it come back?).
 * Target (issue 8): < 400 MB at 1M documents. Env: BENCH_DOCUMENTS (default 100000), BENCH_SECONDS (20).
 */
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

async function main(): Promise<void> {
  const db = seededDb(DOCUMENTS);
  const server = await startServer(db);
  const mem = { startedMb: Math.round(server.rssMb()), restMb: 0, peakMb: 0, afterMb: 0 };
  try {
    const m = db.manifest.bench;
    const leader = await login(server.url, m.leader);
    const staff = await Promise.all(m.staff.slice(0, 20).map((u) => login(server.url, u)));
    const list = await api(server.url, leader, 'GET', '/api/documents?direction=incoming&pageSize=50');
    const ids = ((list.body?.items ?? []) as { id: string }[]).map((x) => x.id);
    await new Promise((r) => setTimeout(r, 3000));
    mem.restMb = Math.round(server.rssMb());
    const sampler = setInterval(() => (mem.peakMb = Math.max(mem.peakMb, Math.round(server.rssMb()))), 200);
    let i = 0;
    const figures = await runLoad({
      scenario: 'mixed reads',
      url: server.url,
      connections: 200,
      seconds: SECONDS,
      token: () => (i % 3 === 0 ? staff[i % staff.length] : leader),
      next: () => {
        i++;
        if (i % 3 === 0) return { path: '/api/tasks?scope=mine&state=open' };
        if (i % 3 === 1 && ids.length) return { path: `/api/documents/${ids[i % ids.length]}` };
        return { path: `/api/documents?direction=outgoing&q=${encodeURIComponent('kế hoạch')}&page=${(i % 20) + 1}` };
      },
    });
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 5000));
    mem.afterMb = Math.round(server.rssMb());
    const out = {
      benchmark: 'memory',
      measuredAt: new Date().toISOString(),
      database: db.driver,
      documents: db.manifest.documents,
      loadAverage: loadavg()[0],
      rssMb: mem,
      load: figures,
      summary: [
        { metric: 'RSS after start', value: `${mem.startedMb} MB` },
        { metric: 'RSS at rest', value: `${mem.restMb} MB`, target: '< 400 MB', ok: mem.restMb < 400 },
        {
          metric: 'RSS peak under load (200 conns)',
          value: `${mem.peakMb} MB`,
          target: '< 400 MB',
          ok: mem.peakMb < 400,
        },
        { metric: 'RSS 5 s after load', value: `${mem.afterMb} MB` },
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
