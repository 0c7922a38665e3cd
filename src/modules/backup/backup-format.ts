import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isAbsolute, normalize, sep } from 'node:path';

/**
 * The on-disk format of a backup: one directory per backup, `manifest.json` naming every part with its sha256
 * and size, `db/<table>.jsonl.gz` (a logical, driver-neutral export of each table: the same format whichever
 * database wrote it, so a SQLite backup restores into MariaDB and back) and `files/ab/cd/<sha256>` (stored
 * content, content-addressed: an incremental backup holds only what no earlier backup of its chain holds).
 */
export const FORMAT = 'hoso-backup/1';

export type BackupKind = 'full' | 'incremental';

export interface ManifestPart {
  /** Relative path inside the backup directory (db/…, files/…, config/…). */
  path: string;
  /** sha256 of the bytes on disk (the ciphertext when encrypted). */
  sha256: string;
  size: number;
  kind: 'table' | 'content' | 'config';
  table?: string;
  rows?: number;
  /** content: sha256 of the stored object itself (its name in the content store). */
  object?: string;
}

export interface Manifest {
  format: typeof FORMAT;
  id: string;
  kind: BackupKind;
  /** The backup this one follows (incremental); the chain ends at a full one. */
  parent: string | null;
  createdAt: string;
  sourceDriver: 'sqlite' | 'mysql';
  /** Migrations applied to the source: restore runs the same code's migrations and refuses a different list. */
  migrations: string[];
  encrypted: boolean;
  parts: ManifestPart[];
  /** Content objects of the whole chain up to this backup (restore copies every one). */
  contentObjects: number;
  durationMs: number;
}

export const MANIFEST = 'manifest.json';
/** HMAC-SHA256 of manifest.json under the backup key (only when encrypted): a forged manifest is refused. */
export const MANIFEST_MAC = 'manifest.hmac';

const SHA = /^[0-9a-f]{64}$/;
const ID = /^[0-9]{8}T[0-9]{9}Z-(full|incremental)-[0-9a-f]{6}$/;

export const isBackupId = (s: string) => ID.test(s);

/** A part's path must stay inside its backup directory: no absolute path, no `..`, only the three folders. */
export function safePartPath(p: unknown): string | null {
  if (typeof p !== 'string' || !p || p.length > 300 || p.includes('\0') || p.includes('\\')) return null;
  if (isAbsolute(p)) return null;
  const n = normalize(p);
  if (n !== p || n.split(sep).some((s) => s === '..' || s === '.' || s === '')) return null;
  if (!/^(db\/[a-z0-9_]+\.jsonl\.gz|files\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}|config\/[A-Za-z0-9._/-]+)$/.test(n))
    return null;
  return n;
}

/** Checks a parsed manifest's shape; returns the problems (empty = well-formed). */
export function manifestProblems(m: unknown): string[] {
  const problems: string[] = [];
  if (!m || typeof m !== 'object') return ['manifest is not an object'];
  const o = m as Record<string, unknown>;
  if (o.format !== FORMAT) problems.push(`unknown format ${JSON.stringify(o.format)}`);
  if (typeof o.id !== 'string' || !isBackupId(o.id)) problems.push('bad id');
  if (o.kind !== 'full' && o.kind !== 'incremental') problems.push('bad kind');
  if (o.kind === 'incremental' && (typeof o.parent !== 'string' || !isBackupId(o.parent)))
    problems.push('incremental without a valid parent');
  if (o.kind === 'full' && o.parent !== null) problems.push('full backup with a parent');
  if (o.sourceDriver !== 'sqlite' && o.sourceDriver !== 'mysql') problems.push('bad sourceDriver');
  if (!Array.isArray(o.migrations) || o.migrations.some((x) => typeof x !== 'string')) problems.push('bad migrations');
  if (!Array.isArray(o.parts)) return [...problems, 'parts missing'];
  const seen = new Set<string>();
  for (const [i, part] of (o.parts as unknown[]).entries()) {
    const p = part as Record<string, unknown>;
    const path = safePartPath(p?.path);
    if (!path) {
      problems.push(`part ${i}: unsafe path ${JSON.stringify(String(p?.path)).slice(0, 120)}`);
      continue;
    }
    if (seen.has(path)) problems.push(`part ${path}: listed twice`);
    seen.add(path);
    if (typeof p.sha256 !== 'string' || !SHA.test(p.sha256)) problems.push(`part ${path}: bad sha256`);
    if (!Number.isSafeInteger(p.size) || (p.size as number) < 0) problems.push(`part ${path}: bad size`);
    if (p.kind === 'content' && (typeof p.object !== 'string' || !path.endsWith(`/${p.object}`)))
      problems.push(`part ${path}: content not named by its hash`);
    if (p.kind === 'table' && (typeof p.table !== 'string' || path !== `db/${p.table}.jsonl.gz`))
      problems.push(`part ${path}: table part not named by its table`);
  }
  return problems;
}

export function newBackupId(kind: BackupKind, now: Date): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${kind}-${randomBytes(3).toString('hex')}`;
}

export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

/**
 * Optional encryption (BACKUP_ENCRYPTION_KEY, 32 bytes as 64 hex characters or base64): AES-256-GCM per part,
 * `HOSOENC1` + 12-byte IV + ciphertext + 16-byte tag. Separate keys for the parts and the manifest's MAC are
 * derived by HKDF so one key serves both purposes safely.
 */
const MAGIC = Buffer.from('HOSOENC1');

export class BackupCipher {
  private readonly enc: Buffer;
  private readonly mac: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('backup key must be 32 bytes');
    this.enc = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'hoso-backup parts', 32));
    this.mac = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'hoso-backup manifest', 32));
  }

  static parseKey(raw: string): Buffer | null {
    const s = raw.trim();
    if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
    const b = Buffer.from(s, 'base64');
    return b.length === 32 ? b : null;
  }

  encrypt(plain: Buffer): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.enc, iv);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([MAGIC, iv, body, c.getAuthTag()]);
  }

  /** Throws when the part was altered or encrypted under another key (GCM tag). */
  decrypt(sealed: Buffer): Buffer {
    if (sealed.length < MAGIC.length + 28 || !sealed.subarray(0, MAGIC.length).equals(MAGIC))
      throw new Error('not an encrypted backup part');
    const iv = sealed.subarray(8, 20);
    const d = createDecipheriv('aes-256-gcm', this.enc, iv);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(20, sealed.length - 16)), d.final()]);
  }

  macOf(manifest: Buffer): string {
    return createHmac('sha256', this.mac).update(manifest).digest('hex');
  }

  macMatches(manifest: Buffer, mac: string): boolean {
    const want = Buffer.from(this.macOf(manifest), 'hex');
    const got = Buffer.from(mac.trim(), 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
  }
}
