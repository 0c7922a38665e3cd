import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { exportValue, openSnapshot } from '../../src/modules/backup/db-snapshot.js';
import { freshDatabase } from '../support/test-app.js';

export type Db = Awaited<ReturnType<typeof freshDatabase>>;

/** The configuration a restore target runs with: its own DATA_DIR and database. */
export function targetConfig(
  db: { dataDir: string; databaseUrl: string },
  env: Record<string, string> = {},
): AppConfig {
  return loadConfig({ ...process.env, DATA_DIR: db.dataDir, DATABASE_URL: db.databaseUrl, ...env });
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** Every object of a content store with its size. */
export function storeObjects(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true }).map(String);
  } catch {
    return out;
  }
  for (const n of names) {
    const m = /([0-9a-f]{64})$/.exec(n);
    if (m) out.set(m[1], statSync(join(dir, n)).size);
  }
  return out;
}

/** Every row of every table, as the backup format reads them (sorted, so two databases compare by content). */
export async function dumpTables(db: AppConfig['database']): Promise<Record<string, string[]>> {
  const s = await openSnapshot(db);
  try {
    const out: Record<string, string[]> = {};
    for (const t of await s.tables()) {
      const rows: string[] = [];
      for await (const r of s.rows(t))
        rows.push(
          JSON.stringify(
            Object.keys(r)
              .sort()
              .map((k) => [k, exportValue(r[k])]),
          ),
        );
      out[t] = rows.sort();
    }
    return out;
  } finally {
    await s.close();
  }
}
