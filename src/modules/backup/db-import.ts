import type Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';

const isSqlite = (ds: DataSource) => ds.options.type === 'better-sqlite3';
const BATCH = 500;

/** The target has no tables yet (a fresh SQLite file, an empty MariaDB database). */
export async function targetIsEmpty(ds: DataSource): Promise<boolean> {
  const rows: { n: number | string }[] = isSqlite(ds)
    ? await ds.query(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    : await ds.query(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE()`);
  return Number(rows[0].n) === 0;
}

async function columnTypes(ds: DataSource, table: string): Promise<Map<string, string>> {
  const rows: { name: string; type: string }[] = isSqlite(ds)
    ? await ds.query(`SELECT name, type FROM pragma_table_info(?)`, [table])
    : await ds.query(
        `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?`,
        [table],
      );
  return new Map(rows.map((r) => [r.name, String(r.type).toLowerCase()]));
}

/** `YYYY-MM-DD HH:MM:SS[.fff]` from any ISO-like text a SQLite database may hold (MariaDB refuses `T` and `Z`). */
function mysqlDatetime(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(?:Z|\+00:00)?$/.exec(v);
  return m ? `${m[1]} ${m[2]}` : v;
}

function importValue(v: unknown): unknown {
  if (v && typeof v === 'object' && '$b64' in v) return Buffer.from(String((v as { $b64: string }).$b64), 'base64');
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

/**
 * Loads one table part (header line, then one JSON array per row) into the target, foreign keys off while the
 * tables arrive in any order. Values go in as they were read: dates as UTC text (the audit hashes depend on their
 * milliseconds), JSON columns as their text. Returns the rows loaded.
 */
export async function importTable(ds: DataSource, table: string, lines: AsyncIterable<string>): Promise<number> {
  const types = await columnTypes(ds, table);
  if (!types.size) throw new Error('this version has no such table');
  let columns: string[] | null = null;
  let rows = 0;
  let convert: ((v: unknown) => unknown)[] = [];
  const batch: unknown[][] = [];
  const sqlite = isSqlite(ds);
  const conn = sqlite ? (ds.driver as unknown as { databaseConnection: Database.Database }).databaseConnection : null;
  const qr = sqlite ? null : ds.createQueryRunner('master');
  let insertOne: Database.Statement | null = null;
  const flush = async () => {
    if (!batch.length) return;
    if (conn) {
      conn.transaction((rs: unknown[][]) => {
        for (const r of rs) insertOne!.run(r);
      })(batch);
    } else {
      const one = `(${columns!.map(() => '?').join(',')})`;
      await qr!.query(
        `INSERT INTO \`${table}\` (${columns!.map((c) => `\`${c}\``).join(',')}) VALUES ${batch.map(() => one).join(',')}`,
        batch.flat(),
      );
    }
    batch.length = 0;
  };
  try {
    if (conn) conn.pragma('foreign_keys = OFF');
    else {
      await qr!.connect();
      await qr!.query('SET FOREIGN_KEY_CHECKS = 0');
    }
    for await (const line of lines) {
      if (!line) continue;
      const parsed = JSON.parse(line) as unknown;
      if (!columns) {
        const h = parsed as { table?: unknown; columns?: unknown };
        if (h.table !== table || !Array.isArray(h.columns) || h.columns.some((c) => typeof c !== 'string'))
          throw new Error('part does not start with its table header');
        columns = h.columns as string[];
        const unknownCols = columns.filter((c) => !types.has(c));
        if (unknownCols.length) throw new Error(`columns unknown to this version: ${unknownCols.join(', ')}`);
        convert = columns.map((c) =>
          !sqlite && /^(datetime|timestamp)$/.test(types.get(c)!) ? (v) => mysqlDatetime(importValue(v)) : importValue,
        );
        if (conn && columns.length)
          insertOne = conn.prepare(
            `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES (${columns.map(() => '?').join(',')})`,
          );
        continue;
      }
      if (!Array.isArray(parsed) || parsed.length !== columns.length) throw new Error(`row ${rows + 1} is malformed`);
      batch.push(parsed.map((v, i) => convert[i](v)));
      rows++;
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    if (!columns) throw new Error('part is empty');
    return rows;
  } finally {
    if (conn) conn.pragma('foreign_keys = ON');
    if (qr) {
      await qr.query('SET FOREIGN_KEY_CHECKS = 1').catch(() => undefined);
      await qr.release();
    }
  }
}

/**
 * Every stored object a record names (columns `sha256` or `…_sha256`), and those a destruction of a dossier
 * removed on purpose (audit `dossier.destroyed`, Law on Archives 2024 art. 19: destroyed records leave only their
 * metadata and the decision).
 */
export async function namedObjects(ds: DataSource): Promise<{ named: Set<string>; destroyed: Set<string> }> {
  const cols: { t: string; c: string }[] = isSqlite(ds)
    ? await ds.query(
        `SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND (p.name = 'sha256' OR p.name LIKE '%\\_sha256' ESCAPE '\\')`,
      )
    : await ds.query(
        `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND (column_name = 'sha256' OR column_name LIKE '%\\_sha256')`,
      );
  const named = new Set<string>();
  const q = (n: string) => (isSqlite(ds) ? `"${n}"` : `\`${n}\``);
  for (const { t, c } of cols) {
    const rows: { v: string | null }[] = await ds.query(
      `SELECT DISTINCT ${q(c)} AS v FROM ${q(t)} WHERE ${q(c)} IS NOT NULL`,
    );
    for (const r of rows) if (r.v && /^[0-9a-f]{64}$/.test(r.v)) named.add(r.v);
  }
  const destroyed = new Set<string>();
  const events: { data: string | null }[] = await ds.query(
    `SELECT data FROM audit_event WHERE action = 'dossier.destroyed'`,
  );
  for (const e of events) {
    const files = (e.data ? (JSON.parse(e.data) as { destroyedFiles?: unknown }).destroyedFiles : null) ?? [];
    if (Array.isArray(files)) for (const f of files) if (typeof f === 'string') destroyed.add(f);
  }
  return { named, destroyed };
}
