import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { lstat, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { dataSourceOptions } from '../../database/data-source-options.js';
import { runMigrations } from '../../database/migrator.js';
import { AuditService } from '../audit/audit.service.js';
import { BackupCipher, isBackupId, MANIFEST, MANIFEST_MAC, manifestProblems, type Manifest } from './backup-format.js';
import { objectPath } from './backup-writer.js';
import { importTable, namedObjects, targetIsEmpty } from './db-import.js';

export interface RestoreOptions {
  /** A backup directory (BACKUP_DIR/<id>); its chain is found beside it. */
  backup: string;
  target: Pick<AppConfig, 'database' | 'storageDir' | 'dataDir'>;
  key: Buffer | null;
  log?: (line: string) => void;
}

export interface RestoreReport {
  ok: boolean;
  backup: string;
  chain: string[];
  sourceDriver: string | null;
  targetDriver: 'sqlite' | 'mysql';
  /** Whether anything was written to the target (never when a part fails its check). */
  written: boolean;
  counts: Record<string, number>;
  contentObjects: number;
  contentBytes: number;
  auditEntries: number;
  filesChecked: number;
  ms: { verify: number; database: number; content: number; checks: number; total: number };
  problems: string[];
}

interface VerifiedChain {
  chain: Manifest[];
  dirs: string[];
}

/** Phase 1, nothing written: every manifest of the chain well-formed (and authentic under the key), every part whole. */
async function verifyChain(o: RestoreOptions, problems: string[]): Promise<VerifiedChain | null> {
  const root = dirname(o.backup);
  const chain: Manifest[] = [];
  const dirs: string[] = [];
  const cipher = o.key ? new BackupCipher(o.key) : null;
  let at: string | null = basename(o.backup);
  while (at) {
    if (!isBackupId(at) || chain.length > 10_000) {
      problems.push(`backup ${at}: not a backup name`);
      return null;
    }
    const dir = join(root, at);
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, MANIFEST));
    } catch {
      problems.push(`backup ${at}: ${MANIFEST} missing${chain.length ? ' (a backup of the chain is missing)' : ''}`);
      return null;
    }
    let m: Manifest;
    try {
      m = JSON.parse(bytes.toString('utf8')) as Manifest;
    } catch {
      problems.push(`backup ${at}: ${MANIFEST} is not JSON`);
      return null;
    }
    const shape = manifestProblems(m);
    if (shape.length || m.id !== at) {
      problems.push(
        ...(shape.length ? shape : ['id does not match its directory']).map((p) => `backup ${at}: ${MANIFEST}: ${p}`),
      );
      return null;
    }
    if (m.encrypted && !cipher) {
      problems.push(`backup ${at}: encrypted; BACKUP_ENCRYPTION_KEY is needed`);
      return null;
    }
    if (cipher) {
      // with a key, only a manifest sealed under it is trusted (an unsealed one could name forged parts)
      const mac = await readFile(join(dir, MANIFEST_MAC), 'utf8').catch(() => null);
      if (!m.encrypted || !mac || !cipher.macMatches(bytes, mac)) {
        problems.push(`backup ${at}: ${MANIFEST} is not authenticated by the backup key (altered, or another key)`);
        return null;
      }
    }
    chain.unshift(m);
    dirs.unshift(dir);
    at = m.parent;
  }
  if (chain[0].kind !== 'full') problems.push(`backup ${chain[0].id}: chain does not start with a full backup`);
  for (const [i, m] of chain.entries()) {
    const dir = dirs[i];
    const real = await realpath(dir);
    for (const p of m.parts) {
      const file = join(dir, p.path);
      const name = `${m.id}/${p.path}`;
      const st = await lstat(file).catch(() => null);
      if (!st || !st.isFile()) {
        problems.push(`part ${name}: missing${st ? ' (not a regular file)' : ''}`);
        continue;
      }
      const rp = await realpath(file);
      if (!rp.startsWith(real + sep)) {
        problems.push(`part ${name}: leads outside the backup`);
        continue;
      }
      if (st.size !== p.size) {
        problems.push(`part ${name}: size ${st.size}, manifest says ${p.size}`);
        continue;
      }
      const data = await readFile(file);
      if (createHash('sha256').update(data).digest('hex') !== p.sha256) {
        problems.push(`part ${name}: sha256 does not match the manifest (corrupted)`);
        continue;
      }
      if (p.kind === 'content') {
        let plain: Buffer = data;
        if (m.encrypted) {
          try {
            plain = cipher!.decrypt(data);
          } catch {
            problems.push(`part ${name}: does not decrypt under the backup key`);
            continue;
          }
        }
        if (createHash('sha256').update(plain).digest('hex') !== p.object)
          problems.push(`part ${name}: content does not match its name`);
      } else if (m.encrypted) {
        try {
          cipher!.decrypt(data);
        } catch {
          problems.push(`part ${name}: does not decrypt under the backup key`);
        }
      }
    }
  }
  return problems.length ? null : { chain, dirs };
}

async function* lines(file: string, cipher: BackupCipher | null): AsyncIterable<string> {
  const source = cipher ? Readable.from([cipher.decrypt(await readFile(file))]) : createReadStream(file);
  yield* createInterface({ input: source.pipe(createGunzip()), crlfDelay: Infinity });
}

/**
 * `npm run restore -- <backup>`: verifies the whole chain before writing anything, refuses a target that is not
 * empty, then builds the database with this version's migrations, loads every table (whichever driver wrote the
 * backup), copies the content of the chain, and checks the result: audit hash chains, every stored file named by
 * a record present and intact.
 */
export async function restoreBackup(o: RestoreOptions): Promise<RestoreReport> {
  const log = o.log ?? (() => undefined);
  const t0 = Date.now();
  const problems: string[] = [];
  const report: RestoreReport = {
    ok: false,
    backup: basename(o.backup),
    chain: [],
    sourceDriver: null,
    targetDriver: o.target.database.type === 'sqlite' ? 'sqlite' : 'mysql',
    written: false,
    counts: {},
    contentObjects: 0,
    contentBytes: 0,
    auditEntries: 0,
    filesChecked: 0,
    ms: { verify: 0, database: 0, content: 0, checks: 0, total: 0 },
    problems,
  };
  const done = () => {
    report.ms.total = Date.now() - t0;
    report.ok = problems.length === 0;
    return report;
  };

  log('checking every part of the backup …');
  const verified = await verifyChain(o, problems);
  report.ms.verify = Date.now() - t0;
  if (!verified) return done();
  const { chain, dirs } = verified;
  const last = chain[chain.length - 1];
  report.chain = chain.map((m) => m.id);
  report.sourceDriver = last.sourceDriver;

  const storageBusy = existsSync(o.target.storageDir) && readdirSync(o.target.storageDir).length > 0;
  if (storageBusy) problems.push(`target content directory ${o.target.storageDir} is not empty`);
  const sqliteFileExisted = o.target.database.type === 'sqlite' && existsSync(o.target.database.path);
  if (sqliteFileExisted && !isEmptySqlite((o.target.database as { path: string }).path))
    problems.push(`target database ${(o.target.database as { path: string }).path} is not empty`);
  if (problems.length) return done();

  const ds = new DataSource(dataSourceOptions(o.target.database));
  await ds.initialize();
  try {
    if (!(await targetIsEmpty(ds))) problems.push('target database is not empty');
    const ours = ds.migrations.map((m) => m.name!);
    if (ours.join(',') !== last.migrations.join(','))
      problems.push(
        `backup was made by another version of hoso (${last.migrations.length} migrations, this one has ${ours.length}): restore it with that version`,
      );
    if (problems.length) {
      await ds.destroy();
      if (!sqliteFileExisted && o.target.database.type === 'sqlite') await rmSqlite(o.target.database.path);
      return done();
    }

    report.written = true;
    const t1 = Date.now();
    log('creating the schema and loading the tables …');
    await runMigrations(ds);
    const cipher = o.key ? new BackupCipher(o.key) : null;
    const lastDir = dirs[dirs.length - 1];
    for (const p of last.parts.filter((x) => x.kind === 'table')) {
      try {
        report.counts[p.table!] = await importTable(
          ds,
          p.table!,
          lines(join(lastDir, p.path), last.encrypted ? cipher : null),
        );
      } catch (e) {
        problems.push(`table ${p.table}: ${(e as Error).message}`);
      }
    }
    report.ms.database = Date.now() - t1;

    const t2 = Date.now();
    log('copying the stored content …');
    for (const [i, m] of chain.entries()) {
      for (const p of m.parts.filter((x) => x.kind === 'content')) {
        const data = await readFile(join(dirs[i], p.path));
        const plain = m.encrypted ? cipher!.decrypt(data) : data;
        const target = objectPath(o.target.storageDir, p.object!);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(`${target}.restore`, plain);
        await rename(`${target}.restore`, target);
        report.contentObjects++;
        report.contentBytes += plain.length;
      }
    }
    for (const p of last.parts.filter((x) => x.kind === 'config')) {
      const data = await readFile(join(lastDir, p.path));
      const target = join(o.target.dataDir, p.path.slice('config/'.length));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, last.encrypted ? cipher!.decrypt(data) : data, { mode: 0o600 });
    }
    report.ms.content = Date.now() - t2;

    const t3 = Date.now();
    log('verifying the audit chains and the stored files …');
    const audit = await AuditService.verify(ds);
    report.auditEntries = audit.checked;
    if (!audit.ok)
      problems.push(
        `audit chain ${audit.firstBroken!.chain} broken at entry #${audit.firstBroken!.id}: ${audit.firstBroken!.reason}`,
      );
    const { named, destroyed } = await namedObjects(ds);
    for (const sha of named) {
      if (destroyed.has(sha)) continue;
      report.filesChecked++;
      const file = objectPath(o.target.storageDir, sha);
      const data = await readFile(file).catch(() => null);
      if (!data) problems.push(`stored file ${sha} named by a record is missing`);
      else if (createHash('sha256').update(data).digest('hex') !== sha) problems.push(`stored file ${sha} is damaged`);
    }
    report.ms.checks = Date.now() - t3;
  } finally {
    if (ds.isInitialized) await ds.destroy();
  }
  return done();
}

function isEmptySqlite(path: string): boolean {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const n = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number };
    return n.n === 0;
  } finally {
    db.close();
  }
}

async function rmSqlite(path: string): Promise<void> {
  for (const s of ['', '-wal', '-shm']) await rm(`${path}${s}`, { force: true });
}
