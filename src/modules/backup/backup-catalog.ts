import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isBackupId, MANIFEST, manifestProblems, type Manifest } from './backup-format.js';

/** The complete backups in a directory (those with a well-formed manifest), oldest first. */
export async function listBackups(dir: string): Promise<Manifest[]> {
  if (!existsSync(dir)) return [];
  const out: Manifest[] = [];
  for (const name of await readdir(dir)) {
    if (!isBackupId(name)) continue;
    const m = await readManifest(join(dir, name)).catch(() => null);
    if (m && m.id === name) out.push(m);
  }
  return out.sort((a, b) =>
    a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt < b.createdAt ? -1 : 1,
  );
}

export async function readManifest(backupDir: string): Promise<Manifest> {
  const m = JSON.parse(await readFile(join(backupDir, MANIFEST), 'utf8')) as Manifest;
  const problems = manifestProblems(m);
  if (problems.length) throw new Error(problems.join('; '));
  return m;
}

/** The chain ending at `id`: its full backup first, then each incremental in order. */
export async function chainOf(dir: string, id: string): Promise<Manifest[]> {
  const chain: Manifest[] = [];
  let at: string | null = id;
  while (at) {
    if (chain.length > 10_000) throw new Error('backup chain loops');
    const m = await readManifest(join(dir, at));
    chain.unshift(m);
    at = m.parent;
  }
  return chain;
}
