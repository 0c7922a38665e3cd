import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/app-config.js';
import { takeBackup } from '../src/modules/backup/backup-writer.js';
import { restoreBackup } from '../src/modules/backup/restore.js';
import { resultHeader, RESULTS_DIR, seededDb } from './support/server.js';

/**
 * npm run bench:backup [-- --documents 100000,1000000]: a full backup, an incremental one right after, and a restore
 * of the generated province (seed:scale), beside copying the raw database file and the content directory (SQLite)
 * or `mariadb-dump --single-transaction` (MariaDB, BENCH_DATABASE_URL) on the same machine in the same run.
 * Results: bench/results/backup[-mysql].json.
 */
function sizes(): number[] {
  const at = process.argv.indexOf('--documents');
  const raw = at >= 0 ? process.argv[at + 1] : (process.env.BENCH_DOCUMENTS ?? '100000');
  return raw.split(',').map((s) => Number(s.trim()));
}

/** Stored files in the benchmark (BENCH_FILES, default 2000 of 46 KB: an issued one-page decision with two signatures). */
const FILES = Number(process.env.BENCH_FILES ?? 2000);
const FILE_BYTES = 46_000;

function writeObjects(root: string, n: number): void {
  for (let i = 0; i < n; i++) {
    const content = randomBytes(FILE_BYTES);
    const sha = createHash('sha256').update(content).digest('hex');
    mkdirSync(join(root, sha.slice(0, 2), sha.slice(2, 4)), { recursive: true });
    writeFileSync(join(root, sha.slice(0, 2), sha.slice(2, 4), sha), content);
  }
}

function du(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, f) => n + du(join(path, f)), 0);
}

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const r = await work();
  return [r, Number(process.hrtime.bigint() - t0) / 1e6];
}

async function main(): Promise<void> {
  const results = [];
  let header: ReturnType<typeof resultHeader> | null = null;
  for (const documents of sizes()) {
    const db = seededDb(documents);
    header ??= resultHeader('backup', db);
    const work = mkdtempSync(join(tmpdir(), 'hoso-bench-backup-'));
    // the generated province has rows only: its stored files are made here, the size of an issued decision
    const app = loadConfig({
      ...process.env,
      DATA_DIR: db.dataDir,
      DATABASE_URL: db.databaseUrl,
      STORAGE_DIR: join(work, 'files'),
    });
    writeObjects(app.storageDir, FILES);
    const backup = { ...app.backup, dir: join(work, 'backups'), copyDir: null, keep: 100, key: null };
    try {
      const [full, fullMs] = await timed(() => takeBackup({ app, backup, kind: 'full' }));
      // a day's new content: 1 % more files
      writeObjects(app.storageDir, Math.ceil(FILES / 100));
      const [inc, incMs] = await timed(() => takeBackup({ app, backup, kind: 'incremental' }));
      const targetDir = join(work, 'restored');
      mkdirSync(targetDir);
      let targetUrl = `sqlite:${join(targetDir, 'hoso.sqlite')}`;
      const mysql = db.driver === 'mysql' ? new URL(db.databaseUrl) : null;
      const mysqlArgs = mysql ? ['-h', mysql.hostname, '-P', mysql.port || '3306', '-u', mysql.username || 'root'] : [];
      if (mysql) {
        const name = `hoso_bench_restore_${documents}`;
        spawnSync('mysql', [
          ...mysqlArgs,
          '-e',
          `DROP DATABASE IF EXISTS ${name}; CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
        ]);
        const u = new URL(db.databaseUrl);
        u.pathname = `/${name}`;
        targetUrl = u.toString();
      }
      const target = loadConfig({ ...process.env, DATA_DIR: targetDir, DATABASE_URL: targetUrl });
      const [report, restoreMs] = await timed(() => restoreBackup({ backup: inc.dir, target, key: null }));
      if (!report.ok) throw new Error(`restore failed: ${report.problems.join('; ')}`);

      // the raw comparison on the same machine, in the same run
      let raw: Record<string, number>;
      if (!mysql) {
        const copy = join(work, 'raw');
        const [, copyMs] = await timed(() => {
          mkdirSync(copy);
          for (const f of ['hoso.sqlite', 'hoso.sqlite-wal'])
            if (existsSync(join(db.dataDir, f))) cpSync(join(db.dataDir, f), join(copy, f));
          if (existsSync(app.storageDir)) cpSync(app.storageDir, join(copy, 'files'), { recursive: true });
        });
        raw = { rawCopyMs: Math.round(copyMs), rawCopyBytes: du(copy) };
      } else {
        const out = join(work, 'dump.sql');
        const [dump, dumpMs] = await timed(() =>
          spawnSync('sh', [
            '-c',
            `mariadb-dump ${mysqlArgs.join(' ')} --single-transaction ${mysql.pathname.slice(1)} > ${out}`,
          ]),
        );
        if (dump.status !== 0) throw new Error(`mariadb-dump: ${dump.stderr}`);
        raw = { mariadbDumpMs: Math.round(dumpMs), mariadbDumpBytes: du(out), contentDirBytes: du(app.storageDir) };
        spawnSync('mysql', [...mysqlArgs, '-e', `DROP DATABASE IF EXISTS hoso_bench_restore_${documents}`]);
      }
      const row = {
        documents,
        storedFiles: FILES + Math.ceil(FILES / 100),
        storedBytes: du(app.storageDir),
        rows: Object.values(report.counts).reduce((a, b) => a + b, 0),
        fullBackupMs: Math.round(fullMs),
        fullBackupBytes: full.size,
        incrementalBackupMs: Math.round(incMs),
        incrementalBackupBytes: inc.size,
        incrementalContentBytes: inc.contentNewBytes,
        restoreMs: Math.round(restoreMs),
        restorePhasesMs: report.ms,
        restoredContentObjects: report.contentObjects,
        ...raw,
      };
      console.log(JSON.stringify(row));
      results.push(row);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, process.env.BENCH_DATABASE_URL ? 'backup-mysql.json' : 'backup.json');
  writeFileSync(file, JSON.stringify({ ...header, results }, null, 2) + '\n');
  console.log(`written ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
