import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { foldVietnamese } from '../src/common/vietnamese.js';
import { DocumentEntity } from '../src/modules/documents/document.entity.js';

/**
 * npm run bench:documents [-- --documents 1000000] [--drivers sqlite,mysql] [--runs 200]
 * Seeds N documents (multi-row INSERTs in transactions) into a fresh SQLite file and a fresh MariaDB database
 * (BENCH_MYSQL_URL, default mysql://root@127.0.0.1:3306/test), spread over a province of 300 agencies — two
 * demo agencies hold 10% and 6% of them, the rest share the remainder — then measures GET /api/documents
 * latency (p50/p99 over HTTP, sequential) for the typical list, filter and search queries of a clerk, a
 * leader and a staff member. Writes bench/results/documents.json.
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('documents', '1000000'));
const DRIVERS = arg('drivers', 'sqlite,mysql').split(',');
const RUNS = Number(arg('runs', '200'));
const MYSQL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

// Deterministic generator (no Math.random: figures must be reproducible run to run).
let rngState = 42;
const rnd = () => (rngState = (rngState * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
const uuid = (n: number, salt: number) => {
  const h = (n * 2654435761 + salt * 97).toString(16).padStart(12, '0').slice(-12);
  return `${(salt >>> 0).toString(16).padStart(8, '0').slice(-8)}-0000-4000-8000-${h}`;
};

const VERBS = [
  'tổ chức',
  'triển khai',
  'kiểm tra',
  'báo cáo',
  'tăng cường',
  'rà soát',
  'phê duyệt',
  'điều chỉnh',
  'hướng dẫn',
  'tuyển dụng',
];
const OBJECTS = [
  'công tác văn thư, lưu trữ',
  'biên chế công chức',
  'cải cách hành chính',
  'chuyển đổi số',
  'phòng chống thiên tai',
  'kế hoạch đầu tư công',
  'đào tạo, bồi dưỡng cán bộ',
  'thi đua, khen thưởng',
  'quản lý đất đai',
  'an toàn giao thông',
  'xây dựng nông thôn mới',
  'giải quyết khiếu nại',
];
const PLACES = [
  'trên địa bàn tỉnh',
  'năm 2026',
  'giai đoạn 2026-2030',
  'tại các xã, phường',
  'quý IV',
  'của Sở Nội vụ',
];
const TYPES = [
  ['CV', 'Công văn'],
  ['QĐ', 'Quyết định'],
  ['TB', 'Thông báo'],
  ['KH', 'Kế hoạch'],
  ['BC', 'Báo cáo'],
  ['TTr', 'Tờ trình'],
] as const;
const OUT_STATUSES = ['issued', 'issued', 'issued', 'filed', 'drafting', 'reviewing', 'signing'];
const IN_STATUSES = ['done', 'done', 'filed', 'handling', 'handling', 'registered', 'directing'];

interface Seeded {
  snv: string;
  ubnd: string;
  drafter: string;
  unit: string | null;
}

async function seed(ds: DataSource, n: number, s: Seeded): Promise<number> {
  const t0 = Date.now();
  const meta = ds.getMetadata(DocumentEntity);
  const cols = meta.columns.filter((c) => !c.isVirtual);
  const mysql = ds.options.type !== 'better-sqlite3'; // TypeORM reports MariaDB as 'mariadb'
  const batch = mysql ? 1000 : Math.floor(32000 / cols.length);
  const q = (x: string) => ds.driver.escape(x);
  const head = `INSERT INTO ${q(meta.tableName)} (${cols.map((c) => q(c.databaseName)).join(',')}) VALUES `;
  const rowSql = `(${cols.map(() => '?').join(',')})`;
  const others = Array.from({ length: 298 }, (_, i) => uuid(i, 7));
  const start = Date.UTC(2024, 0, 1);
  const span = Date.UTC(2026, 10, 25) - start;
  const runner = ds.createQueryRunner();
  await runner.connect();
  let rows: unknown[][] = [];
  let readers: unknown[][] = [];
  const flush = async () => {
    if (rows.length) await runner.query(head + rows.map(() => rowSql).join(','), rows.flat());
    // drafters are explicit readers of their documents (as DocumentsService records them)
    if (readers.length)
      await runner.query(
        `INSERT INTO ${q('document_reader')} (${q('document_id')},${q('user_id')},${q('reason')}) VALUES ${readers.map(() => '(?,?,?)').join(',')}`,
        readers.flat(),
      );
    rows = [];
    readers = [];
  };
  await runner.startTransaction();
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const agencyId = r < 0.1 ? s.ubnd : r < 0.16 ? s.snv : pick(others);
    const direction = rnd() < 0.45 ? 'outgoing' : 'incoming';
    const [typeCode, typeName] = pick(TYPES);
    const subject = `Về việc ${pick(VERBS)} ${pick(OBJECTS)} ${pick(PLACES)}${i % 10000 === 7 ? ' dự án Sông Lam' : ''}`;
    const createdAt = new Date(start + Math.floor((i / n) * span));
    const u = rnd();
    const urgency = u < 0.01 ? 'flash' : u < 0.04 ? 'top-urgent' : u < 0.12 ? 'urgent' : null;
    const num = (i % 900) + 1;
    const abbr = agencyId === s.snv ? 'SNV' : 'UBND';
    const v: Partial<Record<keyof DocumentEntity, unknown>> = {
      id: uuid(i, 1),
      agencyId,
      direction,
      status: pick(direction === 'outgoing' ? OUT_STATUSES : IN_STATUSES),
      typeCode,
      typeName,
      legalNormative: false,
      subject,
      subjectFolded: foldVietnamese(subject),
      urgency,
      urgencyRank: urgency === 'flash' ? 3 : urgency === 'top-urgent' ? 2 : urgency ? 1 : 0,
      secrecy: rnd() < 0.01 ? 'confidential' : null,
      language: 'vi',
      pageCount: 1 + Math.floor(rnd() * 5),
      description: '',
      number: num < 10 ? `0${num}` : String(num),
      notation: `${num < 10 ? `0${num}` : num}/${typeCode}-${abbr}`,
      documentDate: createdAt,
      organName: direction === 'outgoing' ? 'Sở Nội vụ' : 'Bộ Nội vụ',
      // every document has a drafter (an explicit reader); snv.cv is one of 20 drafters of Sở Nội vụ
      drafterId:
        agencyId === s.snv && rnd() < 0.05
          ? s.drafter
          : uuid(Math.floor(rnd() * 20), agencyId.length + (agencyId === s.snv ? 11 : 13) + others.indexOf(agencyId)),
      unitId: agencyId === s.snv ? s.unit : null,
      signerAuthority: '',
      issuedAmount: 1,
      instruction: '',
      arrivalNumber: direction === 'incoming' ? num : null,
      signed: direction === 'outgoing',
      agencySigned: direction === 'outgoing',
      overdue: false,
      createdAt,
      updatedAt: createdAt,
    };
    if (v.drafterId) readers.push([v.id, v.drafterId, 'drafter']);
    rows.push(
      cols.map((c) =>
        ds.driver.preparePersistentValue(
          c.propertyName in v ? v[c.propertyName as keyof DocumentEntity] : (c.default ?? null),
          c,
        ),
      ),
    );
    if (rows.length >= batch) await flush();
    if ((i + 1) % 50_000 === 0) {
      await flush();
      await runner.commitTransaction();
      await runner.startTransaction();
      process.stdout.write(`\r  seeded ${i + 1}/${n}`);
    }
  }
  await flush();
  await runner.commitTransaction();
  await runner.release();
  if (!mysql) await ds.query('ANALYZE');
  else await ds.query('ANALYZE TABLE `document`');
  process.stdout.write('\n');
  return (Date.now() - t0) / 1000;
}

async function measure(url: string, token: string, path: string) {
  const get = async () => {
    const t = process.hrtime.bigint();
    const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { total?: number; length?: number };
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, total: body.total ?? body.length ?? 0 };
  };
  for (let i = 0; i < 10; i++) await get();
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await get();
    times.push(r.ms);
    total = r.total;
  }
  times.sort((a, b) => a - b);
  const p = (x: number) => Math.round(times[Math.min(times.length - 1, Math.floor(x * times.length))] * 100) / 100;
  return { p50: p(0.5), p99: p(0.99), total };
}

const QUERIES: { name: string; as: string; path: string }[] = [
  { name: 'clerk: outgoing, urgency first, page 1', as: 'snv.vanthu', path: '/api/documents?direction=outgoing' },
  {
    name: 'clerk: incoming being handled',
    as: 'snv.vanthu',
    path: '/api/documents?direction=incoming&status=handling',
  },
  { name: 'clerk: search "tuyen dung" (no diacritics)', as: 'snv.vanthu', path: '/api/documents?q=tuyen%20dung' },
  {
    name: 'clerk: search "Sông Lam" (rare)',
    as: 'snv.vanthu',
    path: `/api/documents?q=${encodeURIComponent('Sông Lam')}`,
  },
  {
    name: 'clerk: type QĐ in a month',
    as: 'snv.vanthu',
    path: `/api/documents?typeCode=${encodeURIComponent('QĐ')}&from=2026-10-01&to=2026-10-31`,
  },
  { name: 'clerk: number/notation prefix', as: 'snv.vanthu', path: '/api/documents?number=15%2F' },
  { name: 'clerk: page 50 (urgency first)', as: 'snv.vanthu', path: '/api/documents?page=50' },
  { name: 'clerk: page 50, newest first', as: 'snv.vanthu', path: '/api/documents?sort=newest&page=50' },
  { name: 'baseline: GET /api/document-types', as: 'snv.vanthu', path: '/api/document-types' },
  {
    name: 'leader (UBND): outgoing + search',
    as: 'chutich',
    path: '/api/documents?direction=outgoing&q=chuyen%20doi%20so',
  },
  { name: 'staff: own documents', as: 'snv.cv', path: '/api/documents' },
];

async function runDriver(driver: string) {
  // BENCH_SQLITE_DIR: reuse a database kept by an earlier run (BENCH_KEEP=1) instead of seeding again.
  const reuse = driver === 'sqlite' ? process.env.BENCH_SQLITE_DIR : undefined;
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), 'hoso-bench-docs-'));
  let databaseUrl = `sqlite:${join(dataDir, 'hoso.sqlite')}`;
  const dbName = 'hoso_bench_documents';
  if (driver === 'mysql') {
    const admin = new DataSource({ type: 'mysql', url: MYSQL });
    await admin.initialize();
    // BENCH_KEEP=1 keeps the seeded database for the next run, which then reuses it.
    if (!process.env.BENCH_KEEP) await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.destroy();
    const u = new URL(MYSQL);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    SEED_DEMO: 'true',
    NODE_ENV: 'test',
    PORT: '0',
  });
  let app: NestExpressApplication | undefined;
  try {
    app = await createApp(config, {}, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const ds = app.get(DataSource);
    const [snv] = await ds.query("SELECT id FROM agency WHERE organ_id = '000.01.00.H42'");
    const [ubnd] = await ds.query("SELECT id FROM agency WHERE organ_id = '000.00.00.H42'");
    const [drafter] = await ds.query("SELECT id, unit_id FROM user WHERE username = 'snv.cv'");
    const [existing] = await ds.query('SELECT COUNT(*) AS n FROM document');
    let seedSeconds = 0;
    if (Number(existing.n) > 0 && Number(existing.n) < N)
      throw new Error(`${driver}: a kept database holds ${existing.n} documents, not ${N}; drop it first`);
    if (Number(existing.n) < N) {
      console.log(`${driver}: seeding ${N} documents…`);
      seedSeconds = await seed(ds, N, { snv: snv.id, ubnd: ubnd.id, drafter: drafter.id, unit: drafter.unit_id });
    } else console.log(`${driver}: reusing ${existing.n} documents in ${dataDir}`);
    console.log(`${driver}: seeded in ${seedSeconds.toFixed(1)} s`);
    const tokens = new Map<string, string>();
    const token = async (username: string) => {
      if (!tokens.has(username)) {
        const res = await fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: config.demoPassword }),
        });
        tokens.set(username, ((await res.json()) as { accessToken: string }).accessToken);
      }
      return tokens.get(username)!;
    };
    const queries = [];
    for (const qd of QUERIES) {
      const r = await measure(url, await token(qd.as), qd.path);
      console.log(
        `  ${qd.name.padEnd(46)} p50 ${String(r.p50).padStart(7)} ms  p99 ${String(r.p99).padStart(7)} ms  (total ${r.total})`,
      );
      queries.push({ ...qd, ...r });
    }
    return {
      driver,
      documents: N,
      seedSeconds,
      loadAverageAfter: loadavg(),
      queries,
      maxP99: Math.max(...queries.map((x) => x.p99)),
    };
  } finally {
    await app?.close();
    if (driver === 'mysql' && !process.env.BENCH_KEEP) {
      const admin = new DataSource({ type: 'mysql', url: MYSQL });
      await admin.initialize();
      await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
      await admin.destroy();
    }
    if (process.env.BENCH_KEEP || reuse) console.log(`kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * One process per driver: entity column types are fixed when the entity files load, from DATABASE_URL (one driver
 * per process, src/database/columns.ts), so a process that measured SQLite could not then write to MariaDB.
 */
function runDriverProcess(driver: string): Awaited<ReturnType<typeof runDriver>> {
  const resultFile = join(tmpdir(), `hoso-bench-documents-${process.pid}-${driver}.json`);
  const args = process.argv.slice(2).filter((_, i, all) => all[i] !== '--drivers' && all[i - 1] !== '--drivers');
  const r = spawnSync(process.execPath, [__filename, ...args, '--drivers', driver, '--result-file', resultFile], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: driver === 'mysql' ? MYSQL : '' },
  });
  if (r.status !== 0) throw new Error(`bench:documents on ${driver} failed (exit ${r.status ?? r.signal})`);
  try {
    return JSON.parse(readFileSync(resultFile, 'utf8'));
  } finally {
    rmSync(resultFile, { force: true });
  }
}

async function main() {
  const resultFile = arg('result-file', '');
  if (resultFile) {
    writeFileSync(resultFile, JSON.stringify(await runDriver(DRIVERS[0])));
    return;
  }
  const results = DRIVERS.map(runDriverProcess);
  const out = {
    benchmark: 'documents',
    at: new Date().toISOString(),
    node: process.version,
    // Other work on the machine inflates the tails; the load average is recorded beside the figures.
    loadAverage: loadavg(),
    documents: N,
    runsPerQuery: RUNS,
    targetP99Ms: 50,
    results,
    summary: results.flatMap((r) =>
      r.queries.map((q) => ({ name: `${r.driver}: ${q.name}`, p50: q.p50, p99: q.p99, unit: 'ms' })),
    ),
  };
  mkdirSync(join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
  writeFileSync(join(__dirname, '..', '..', 'bench', 'results', 'documents.json'), JSON.stringify(out, null, 2) + '\n');
  console.log('wrote bench/results/documents.json');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
