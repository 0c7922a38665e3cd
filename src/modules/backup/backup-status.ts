import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupKind } from './backup-format.js';

/** The last run, kept in BACKUP_DIR/status.json: every HTTP worker and `npm run backup` read and write the same one. */
export interface BackupStatus {
  state: 'running' | 'ok' | 'failed';
  kind: BackupKind;
  trigger: 'schedule' | 'admin' | 'retry' | 'command';
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  id?: string;
  sizeBytes?: number;
  newContentBytes?: number;
  attempt: number;
  error?: string;
  /** Business date of the last scheduled run (one a day). */
  scheduledOn?: string;
}

const STATUS = 'status.json';
const LOCK = '.lock';
/** A lock older than this was left by a crashed process. */
const STALE_LOCK_MS = 12 * 3600_000;

export async function readStatus(dir: string): Promise<BackupStatus | null> {
  return readFile(join(dir, STATUS), 'utf8')
    .then((s) => JSON.parse(s) as BackupStatus)
    .catch(() => null);
}

export async function writeStatus(dir: string, s: BackupStatus): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${STATUS}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(s, null, 1));
  await rename(tmp, join(dir, STATUS));
}

async function create(file: string): Promise<boolean> {
  try {
    const f = await open(file, 'wx');
    await f.writeFile(JSON.stringify({ pid: process.pid, at: Date.now() }));
    await f.close();
    return true;
  } catch {
    return false;
  }
}

/** One run at a time per BACKUP_DIR, across processes; a lock whose process is gone (or too old) is taken over. */
export async function lockBackups(dir: string): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, LOCK);
  if (await create(file)) return true;
  const held = await readFile(file, 'utf8')
    .then((s) => JSON.parse(s) as { pid: number; at: number })
    .catch(() => null);
  if (held && Date.now() - held.at < STALE_LOCK_MS && pidAlive(held.pid)) return false;
  await rm(file, { force: true });
  return create(file);
}

export async function unlockBackups(dir: string): Promise<void> {
  await rm(join(dir, LOCK), { force: true });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
