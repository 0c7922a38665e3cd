import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';

/** Repository root from dist/bench/support. */
export const ROOT = join(__dirname, '..', '..', '..');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** The province size of a benchmark: `--documents N` on its command line, else BENCH_DOCUMENTS, else 100,000. */
export function benchDocuments(): number {
  const at = process.argv.indexOf('--documents');
  return Number(at >= 0 ? process.argv[at + 1] : (process.env.BENCH_DOCUMENTS ?? 100_000));
}

/**
 * `--base <checkout>`: another checkout whose build (its dist/, built there) a benchmark runs side by side with
 * this one, in alternate rounds on the same database (e.g. the commit before a change); null without it.
 */
export function benchBase(): string | null {
  const at = process.argv.indexOf('--base');
  if (at < 0) return null;
  const base = resolve(process.argv[at + 1]);
  if (!existsSync(join(base, 'dist', 'src', 'main.js')))
    throw new Error(`${base}/dist/src/main.js: build it there first`);
  return base;
}

/** The builds a benchmark compares: this one, and the --base checkout's when given. */
export function benchBuilds(): { name: string; root: string }[] {
  const base = benchBase();
  if (!base) return [{ name: 'this build', root: ROOT }];
  const commit = spawnSync('git', ['-C', base, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  return [
    { name: 'this build', root: ROOT },
    { name: `base (${commit || base})`, root: base },
  ];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface BenchDb {
  dataDir: string;
  databaseUrl: string;
  driver: 'sqlite' | 'mysql';
  manifest: {
    documents: number;
    openTasks: number;
    seconds: number;
    rows: Record<string, number>;
    bench: { agencyId: string; leader: string; clerk: string; staff: string[] };
  };
}

/**
 * A database holding the generated province at N documents, seeded once and reused by later runs (seeding a
 * million documents takes minutes): $BENCH_DATA_DIR (default $TMPDIR/hoso-bench)/<driver>-<N>/ holds the SQLite file;
 * on MariaDB (BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306/) the database is hoso_bench_<N>.
 */
export function seededDb(documents: number): BenchDb {
  const mysqlBase = process.env.BENCH_DATABASE_URL;
  const driver = mysqlBase ? 'mysql' : 'sqlite';
  const dataDir = join(process.env.BENCH_DATA_DIR ?? join(tmpdir(), 'hoso-bench'), `${driver}-${documents}`);
  mkdirSync(dataDir, { recursive: true });
  let databaseUrl = `sqlite:${join(dataDir, 'hoso.sqlite')}`;
  let present = existsSync(join(dataDir, 'hoso.sqlite'));
  if (mysqlBase) {
    const u = new URL(mysqlBase.replace(/^mariadb:/, 'mysql:'));
    const name = `hoso_bench_${documents}`;
    const mysql = (sql: string) =>
      spawnSync('mysql', ['-h', u.hostname, '-P', u.port || '3306', '-u', u.username || 'root', '-N', '-e', sql], {
        encoding: 'utf8',
      });
    present = mysql(`SHOW DATABASES LIKE '${name}'`).stdout.trim() === name;
    const admin = mysql(`CREATE DATABASE IF NOT EXISTS ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    if (admin.status !== 0) throw new Error(`cannot create ${name}: ${admin.stderr}`);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
  }
  const manifestFile = join(dataDir, 'seed-scale.json');
  if (existsSync(manifestFile) && !present) {
    // e.g. the database was dropped since: the manifest alone would start the benchmark on an empty database
    console.log('the generated province is gone from its database: generating it again');
    rmSync(manifestFile);
  }
  // a seeded schema is only reusable with the same migrations: after a schema change, seed again
  const migrations = readdirSync(join(ROOT, 'dist', 'src', 'database', 'migrations'))
    .filter((f) => f.endsWith('.js'))
    .sort()
    .join(',');
  const stampFile = join(dataDir, 'migrations.txt');
  if (existsSync(manifestFile) && (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== migrations)) {
    console.log('the schema changed since this province was generated: generating it again');
    if (mysqlBase)
      spawnSync('mysql', [
        '-h',
        new URL(databaseUrl).hostname,
        '-u',
        'root',
        '-e',
        `DROP DATABASE IF EXISTS hoso_bench_${documents}; CREATE DATABASE hoso_bench_${documents} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      ]);
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
  }
  if (!existsSync(manifestFile)) {
    console.log(`seeding ${documents} documents on ${driver} (once; reused by later runs)…`);
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'dist', 'bench', 'seed-scale.js'), '--documents', String(documents)],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, SEED_DEMO: 'true' },
      },
    );
    if (r.status !== 0) throw new Error('seed:scale failed');
    writeFileSync(stampFile, migrations);
  }
  return { dataDir, databaseUrl, driver, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) };
}

/**
 * Measures every variant (builds, settings) `rounds` times, in alternating order (A B, B A, …), so that what the
 * shared machine does meanwhile falls on all of them alike; the figures per variant name, in round order.
 */
export async function alternatingRounds<V extends { name: string }, R>(
  variants: V[],
  rounds: number,
  measure: (variant: V) => Promise<R>,
): Promise<Record<string, R[]>> {
  const out: Record<string, R[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let r = 0; r < rounds; r++)
    for (const v of r % 2 ? [...variants].reverse() : variants) {
      const x = await measure(v);
      out[v.name].push(x);
      console.log(`${v.name}: ${JSON.stringify(x)}`);
    }
  return out;
}

/** Mean of figures, to 2 decimals. */
export const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;

/** The fields every results file starts with: which benchmark, when, on what database and server. */
export function resultHeader(benchmark: string, db: BenchDb) {
  return {
    benchmark,
    measuredAt: new Date().toISOString(),
    database: db.driver,
    documents: db.manifest.documents,
    httpWorkers: Number(process.env.BENCH_HTTP_WORKERS ?? availableParallelism()),
    loadAverage: loadavg()[0],
  };
}

/** A plain connection to the benchmark's database (no entities: for the driver's own queries), initialized. */
export async function openBenchDb(db: BenchDb): Promise<DataSource> {
  const ds = new DataSource(
    db.driver === 'sqlite'
      ? { type: 'better-sqlite3', database: db.databaseUrl.slice('sqlite:'.length) }
      : { type: 'mysql', url: db.databaseUrl },
  );
  return ds.initialize();
}

export interface BenchServer {
  url: string;
  proc: ChildProcess;
  /** RSS of the server: the process and its HTTP workers, summed (MB). */
  rssMb(): number;
  /** RSS of each process of the server, the primary first (MB). */
  rssEachMb(): number[];
  /** PSS of the primary and each worker (shared pages split between the processes sharing them). */
  pssEachMb(): number[];
  /** Distinct resident pages of all the server's processes (MB; undefined when not root): see residentTreeMb. */
  residentMb(): number | undefined;
  stop(): Promise<void>;
}

/**
 * The production build (node dist/src/main.js, NODE_ENV=production) on loopback. `root`: another checkout whose
 * build to run instead (a side-by-side comparison with an earlier commit).
 */
export async function startServer(db: BenchDb, env: Record<string, string> = {}, root = ROOT): Promise<BenchServer> {
  const port = await freePort();
  let log = '';
  // seen once in the whole output (the kept tail of the log can scroll past it: mail lines at start-up)
  let allListening = false;
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, join(root, 'dist', 'src', 'main.js')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      SEED_DEMO: 'true',
      DATA_DIR: db.dataDir,
      DATABASE_URL: db.databaseUrl,
      PORT: String(port),
      LOGIN_MAX_ATTEMPTS: '1000',
      // as `npm start` runs it: one HTTP worker process per CPU (BENCH_HTTP_WORKERS=1 for a single process)
      HTTP_WORKERS: process.env.BENCH_HTTP_WORKERS ?? String(availableParallelism()),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // BENCH_SERVER_LOG=<file>: keep the server's whole output (e.g. with --trace-gc in BENCH_SERVER_NODE_ARGS)
  const logFile = process.env.BENCH_SERVER_LOG;
  const keep = (d: Buffer) => {
    const text = String(d);
    // the chunk and the line it may complete
    allListening ||= /HTTP workers on port/.test(log.slice(-200) + text);
    log = (log + text).slice(-10000);
    if (logFile) appendFileSync(logFile, d);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited:\n${log}`);
    if (Date.now() > deadline) throw new Error(`server not ready:\n${log}`);
    if (
      await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // a cluster answers as soon as worker 1 listens: wait for all of them
  const workers = Number(env.HTTP_WORKERS ?? process.env.BENCH_HTTP_WORKERS ?? availableParallelism());
  while (workers > 1 && !allListening) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`server workers not ready:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    proc,
    rssMb: () => rssTree(proc.pid!).reduce((a, b) => a + b, 0),
    rssEachMb: () => rssTree(proc.pid!),
    pssEachMb: () => pssTree(proc.pid!),
    residentMb: () => residentTreeMb(proc.pid!),
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

/** A process and its descendants (cluster workers), parents first, from /proc; processes gone are left out. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    try {
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      out.push(p);
      for (const c of children ? children.split(/\s+/) : []) walk(Number(c));
    } catch {
      /* the process is gone */
    }
  };
  walk(pid);
  return out;
}

/** A number field of a /proc file (kB), or 0 when the process is gone. */
function procField(pid: number, file: string, field: string): number {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** CPU time (user + system, ms) a process and its descendants (cluster workers) have used, from /proc. */
export function cpuTreeMs(pid: number): number {
  let ms = 0;
  for (const p of processTree(pid))
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ = 100 on Linux)
    } catch {
      /* the process is gone */
    }
  return ms;
}

/** RSS (MB) of a process and of its descendants (cluster workers), from /proc. */
export function rssTree(pid: number): number[] {
  return processTree(pid).map((p) => procField(p, 'status', 'VmRSS') / 1024);
}

/**
 * PSS (MB) of a process and of its descendants: RSS with each page shared by n processes counted 1/n (the node
 * binary's code, ~50 MB, is in every worker's RSS). Their sum is the memory the server occupies; the sum of RSS
 * counts shared pages once per process.
 */
export function pssTree(pid: number): number[] {
  return processTree(pid).map((p) => procField(p, 'smaps_rollup', 'Pss') / 1024);
}

/**
 * The server's resident memory (MB): the distinct physical pages resident in a process and its descendants, each
 * page counted once however many of them map it (the node binary's code, shared by all; not the pages they share
 * with processes outside the server, as PSS would split them). From /proc/<pid>/pagemap, which gives page frame
 * numbers only to root: undefined otherwise (or when a process is gone mid-read).
 */
export function residentTreeMb(pid: number): number | undefined {
  const frames = new Set<number>();
  const PAGE = 4096;
  try {
    for (const p of processTree(pid)) {
      const ranges: [number, number][] = [];
      let range: [number, number] | undefined;
      for (const line of readFileSync(`/proc/${p}/smaps`, 'utf8').split('\n')) {
        const head = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
        if (head) range = [parseInt(head[1], 16), parseInt(head[2], 16)];
        else if (range && /^Rss:\s+[1-9]/.test(line)) ranges.push(range);
      }
      const fd = openSync(`/proc/${p}/pagemap`, 'r');
      try {
        for (const [start, end] of ranges)
          for (let page = start / PAGE; page < end / PAGE; page += 65536) {
            const count = Math.min(65536, end / PAGE - page);
            const buf = Buffer.alloc(count * 8);
            const read = readSync(fd, buf, 0, buf.length, page * 8);
            for (let i = 0; i + 8 <= read; i += 8) {
              const entry = buf.readBigUInt64LE(i);
              if (!(entry >> 63n)) continue; // not present
              const frame = Number(entry & ((1n << 55n) - 1n));
              if (frame === 0) return undefined; // frame numbers hidden (not root)
              frames.add(frame);
            }
          }
      } finally {
        closeSync(fd);
      }
    }
  } catch {
    return undefined;
  }
  return (frames.size * PAGE) / 1024 / 1024;
}

export async function login(url: string, username: string, password = process.env.DEMO_PASSWORD ?? 'hoso-demo') {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export async function api(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  type = 'application/json',
) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed };
}
