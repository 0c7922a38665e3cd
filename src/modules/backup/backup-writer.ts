import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import type { BackupConfig } from './backup-config.js';
import {
  BackupCipher,
  FORMAT,
  MANIFEST,
  MANIFEST_MAC,
  newBackupId,
  sha256File,
  type BackupKind,
  type Manifest,
  type ManifestPart,
} from './backup-format.js';
import { exportValue, openSnapshot, type DbSnapshot } from './db-snapshot.js';
import { listBackups, chainOf } from './backup-catalog.js';

const SHA = /^[0-9a-f]{64}$/;

export interface BackupOptions {
  app: Pick<AppConfig, 'database' | 'storageDir' | 'dataDir'>;
  backup: BackupConfig;
  /** `incremental` falls back to `full` when the directory holds no full backup yet. */
  kind: BackupKind;
  now?: () => Date;
  /** The running app's data source (MySQL: the snapshot connection comes from its pool). */
  dataSource?: DataSource;
}

export interface BackupResult {
  manifest: Manifest;
  dir: string;
  /** Bytes written for this backup (all parts). */
  size: number;
  contentNew: number;
  contentNewBytes: number;
}

/** Every object in the content store (STORAGE_DIR/ab/cd/<sha256>), temporary files of writes in progress left out. */
export async function* storedObjects(storageDir: string): AsyncIterable<string> {
  if (!existsSync(storageDir)) return;
  for (const a of (await readdir(storageDir)).sort()) {
    if (!/^[0-9a-f]{2}$/.test(a)) continue;
    for (const b of (await readdir(join(storageDir, a))).sort()) {
      if (!/^[0-9a-f]{2}$/.test(b)) continue;
      for (const f of (await readdir(join(storageDir, a, b))).sort()) if (SHA.test(f)) yield f;
    }
  }
}

export const objectPath = (root: string, sha: string) => join(root, sha.slice(0, 2), sha.slice(2, 4), sha);

async function writeDurably(path: string, data: Buffer): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const f = await open(path, 'w');
  try {
    await f.writeFile(data);
    await f.sync();
  } finally {
    await f.close();
  }
}

/** One table as gzip'd JSON lines: a header `{ table, columns }`, then one array of values per row. */
async function writeTable(snapshot: DbSnapshot, table: string, path: string): Promise<number> {
  let rows = 0;
  async function* lines(): AsyncIterable<string> {
    let columns: string[] | null = null;
    for await (const row of snapshot.rows(table)) {
      if (!columns) {
        columns = Object.keys(row);
        yield JSON.stringify({ table, columns }) + '\n';
      }
      rows++;
      yield JSON.stringify(columns.map((c) => exportValue(row[c]))) + '\n';
    }
    if (!columns) yield JSON.stringify({ table, columns: [] }) + '\n';
  }
  await mkdir(join(path, '..'), { recursive: true });
  await pipeline(Readable.from(lines()), createGzip({ level: 6 }), createWriteStream(path));
  return rows;
}

/**
 * Takes one backup into BACKUP_DIR/<id>: the database snapshot first (the point in time of the backup), then the
 * content store. Content is written and fsynced before the record naming it commits (StorageService), so every
 * file a row of the snapshot names is already in the store when it is walked afterwards. Written under
 * `.tmp-<id>` and renamed when complete: a backup directory with a manifest is always whole.
 */
export async function takeBackup(o: BackupOptions): Promise<BackupResult> {
  const now = o.now ?? (() => new Date());
  const started = Date.now();
  await mkdir(o.backup.dir, { recursive: true });
  const existing = await listBackups(o.backup.dir);
  const last = existing.at(-1);
  const kind: BackupKind = o.kind === 'incremental' && last ? 'incremental' : 'full';
  const id = newBackupId(kind, now());
  const tmp = join(o.backup.dir, `.tmp-${id}`);
  const cipher = o.backup.key ? new BackupCipher(o.backup.key) : null;
  const parts: ManifestPart[] = [];
  let size = 0;
  let contentNew = 0;
  let contentNewBytes = 0;

  const seal = async (rel: string, plain: Buffer | null, base: Omit<ManifestPart, 'path' | 'sha256' | 'size'>) => {
    const path = join(tmp, rel);
    if (plain) await writeDurably(path, cipher ? cipher.encrypt(plain) : plain);
    else if (cipher) await writeDurably(path, cipher.encrypt(await readFile(path)));
    const h = await sha256File(path);
    parts.push({ path: rel, ...h, ...base });
    size += h.size;
  };

  try {
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    const snapshot = await openSnapshot(o.app.database, o.dataSource);
    let migrations: string[];
    try {
      migrations = await snapshot.migrations();
      for (const table of await snapshot.tables()) {
        const rel = `db/${table}.jsonl.gz`;
        const rows = await writeTable(snapshot, table, join(tmp, rel));
        await seal(rel, null, { kind: 'table', table, rows });
      }
    } finally {
      await snapshot.close();
    }

    // content: what no earlier backup of the chain holds
    const chain = kind === 'incremental' ? await chainOf(o.backup.dir, last!.id) : [];
    const held = new Set<string>();
    for (const m of chain) for (const p of m.parts) if (p.kind === 'content') held.add(p.object!);
    let total = held.size;
    for await (const sha of storedObjects(o.app.storageDir)) {
      if (held.has(sha)) continue;
      const content = await readFile(objectPath(o.app.storageDir, sha));
      // a stored object that no longer matches its name is reported, never copied as if it were good
      if (createHash('sha256').update(content).digest('hex') !== sha)
        throw new Error(`stored object ${sha} does not match its hash (damaged content store)`);
      await seal(`files/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`, content, { kind: 'content', object: sha });
      contentNew++;
      contentNewBytes += content.length;
      total++;
    }

    // the installation's own secrets and CA: without them a restored server signs with another CA
    for (const rel of await configFiles(o.app.dataDir))
      await seal(`config/${rel}`, await readFile(join(o.app.dataDir, rel)), { kind: 'config' });

    const manifest: Manifest = {
      format: FORMAT,
      id,
      kind,
      parent: kind === 'incremental' ? last!.id : null,
      createdAt: now().toISOString(),
      sourceDriver: o.app.database.type === 'sqlite' ? 'sqlite' : 'mysql',
      migrations: migrations!,
      encrypted: !!cipher,
      parts,
      contentObjects: total,
      durationMs: Date.now() - started,
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 1));
    await writeDurably(join(tmp, MANIFEST), bytes);
    if (cipher) await writeDurably(join(tmp, MANIFEST_MAC), Buffer.from(cipher.macOf(bytes)));
    size += bytes.length;
    const dir = join(o.backup.dir, id);
    await rename(tmp, dir);
    if (o.backup.copyDir) await copyTo(dir, o.backup.copyDir, id);
    await prune(o.backup.dir, o.backup.keep);
    if (o.backup.copyDir) await prune(o.backup.copyDir, o.backup.keep);
    return { manifest, dir, size, contentNew, contentNewBytes };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

async function configFiles(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  if (existsSync(join(dataDir, 'jwt-secret'))) out.push('jwt-secret');
  const walk = async (rel: string) => {
    const abs = join(dataDir, rel);
    if (!existsSync(abs)) return;
    for (const e of await readdir(abs, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(`${rel}/${e.name}`);
      else if (e.isFile() && /^[A-Za-z0-9._-]+$/.test(e.name)) out.push(`${rel}/${e.name}`);
    }
  };
  await walk('ca');
  return out;
}

/** The second copy: copied whole under a temporary name, then renamed, so it too is either whole or absent. */
async function copyTo(dir: string, copyDir: string, id: string): Promise<void> {
  await mkdir(copyDir, { recursive: true });
  const tmp = join(copyDir, `.tmp-${id}`);
  await rm(tmp, { recursive: true, force: true });
  await cp(dir, tmp, { recursive: true });
  await rename(tmp, join(copyDir, id));
}

/** Keeps the newest `keep` full backups and the incrementals that follow them. */
async function prune(dir: string, keep: number): Promise<void> {
  const all = await listBackups(dir);
  const fulls = all.filter((m) => m.kind === 'full');
  if (fulls.length <= keep) return;
  const oldestKept = fulls[fulls.length - keep];
  for (const m of all) {
    if (m.createdAt < oldestKept.createdAt) await rm(join(dir, m.id), { recursive: true, force: true });
  }
  for (const e of await readdir(dir)) {
    // a temporary directory left by a crash more than a day ago
    if (e.startsWith('.tmp-')) {
      const s = await stat(join(dir, e)).catch(() => null);
      if (s && Date.now() - s.mtimeMs > 24 * 3600_000) await rm(join(dir, e), { recursive: true, force: true });
    }
  }
}
