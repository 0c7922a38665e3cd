import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ContentIndex } from '../src/modules/search/content-index.js';
import { drain, runUsers, table, THINK_MS, type LoadFigures } from './support/load.js';
import {
  benchDocuments,
  login,
  openBenchDb,
  RESULTS_DIR,
  resultHeader,
  seededDb,
  startServer,
} from './support/server.js';

/**
 * npm run bench:search [-- BENCH_DOCUMENTS=N]: content search (GET /api/search) over the generated province, whose
 * every document has page text (seed:scale), with N virtual users each thinking between requests (as
 * bench/api-load): words without diacritics, with them, a two-letter syllable, a quoted phrase; p50/p99 per query
 * kind and mixed, and the size of the full-text index (content_page + content_fts).
 * Env: BENCH_DOCUMENTS (default 100000; 1000000 works, seeding takes its time), BENCH_USERS ("100"),
 * BENCH_SECONDS (15), BENCH_THINK_MS (1000), BENCH_DATABASE_URL (MariaDB instead of SQLite).
 */
const DOCUMENTS = benchDocuments();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const USERS = (process.env.BENCH_USERS ?? '100').split(',').map(Number);
const QUERIES: Record<string, string[]> = {
  'without diacritics': ['quyet dinh', 'chuyen doi so', 'thi dua khen thuong', 'an toan thong tin'],
  'with diacritics': ['Quyết định', 'chuyển đổi số', 'hội nghị tổng kết', 'Đôn đốc tiến độ'],
  'two-letter syllable': ['về', 'Hà', 'là'],
  'quoted phrase': ['"so hoa tai lieu"', '"Sở Nội vụ chủ trì"', '"tiep cong dan"'],
};

async function main(): Promise<void> {
  const db = seededDb(DOCUMENTS);
  const ds = await openBenchDb(db);
  const index = new ContentIndex(db.driver === 'sqlite');
  const indexBytes = await index.sizeBytes(ds.manager);
  const [pages] = await ds.query('SELECT COUNT(*) AS n FROM content_page');
  await ds.destroy();
  const server = await startServer(db);
  const rows: LoadFigures[] = [];
  try {
    const m = db.manifest.bench;
    const tokens = await Promise.all([m.leader, m.clerk, ...m.staff.slice(0, 10)].map((u) => login(server.url, u)));
    let n = 0;
    const pathFor = (qs: string[]) => () => {
      n++;
      return { path: `/api/search?q=${encodeURIComponent(qs[n % qs.length])}&pageSize=20` };
    };
    const all = Object.values(QUERIES).flat();
    for (const users of USERS) {
      for (const [kind, qs] of [...Object.entries(QUERIES), ['mixed', all] as const]) {
        const f = await runUsers({
          scenario: `content search, ${kind}`,
          url: server.url,
          connections: users,
          seconds: SECONDS,
          token: () => tokens[n % tokens.length],
          next: pathFor([...qs]),
          thinkMs: THINK_MS,
        });
        console.log(
          `${f.scenario} @${users} users: p50 ${f.p50} ms, p99 ${f.p99} ms, ${f.throughput} req/s, non-2xx ${f.non2xx}, load ${loadavg()[0].toFixed(2)}`,
        );
        rows.push(f);
        await drain();
      }
    }
  } finally {
    await server.stop();
  }
  console.log(table(rows));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = {
    ...resultHeader('search', db),
    contentPages: Number(pages?.n ?? 0),
    indexMb: Math.round((indexBytes / 1024 / 1024) * 10) / 10,
    thinkMs: THINK_MS,
    rows,
  };
  console.log(`index (content_page + content_fts): ${out.indexMb} MB for ${out.contentPages} pages`);
  writeFileSync(
    join(RESULTS_DIR, db.driver === 'mysql' ? 'search-mysql.json' : 'search.json'),
    JSON.stringify(out, null, 2),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
