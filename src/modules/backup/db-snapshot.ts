import Database from 'better-sqlite3';
import { DataSource, type QueryRunner } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { SQLITE_BUSY_MS } from '../../database/data-source-options.js';

/** Tables that are not data: the migration ledger is rebuilt by the target's own migrations. */
const SKIPPED = new Set(['migrations', 'typeorm_metadata']);

export type Row = Record<string, unknown>;

/**
 * One consistent, read-only view of the whole database while the server keeps writing:
 * - SQLite: a read transaction on a connection of its own; in WAL mode it sees the database as of its first
 *   read until it ends, and writers go on meanwhile. (The online backup API copies pages and starts over whenever
 *   another connection writes, which under steady work may never finish; and it gives a SQLite file, not the
 *   driver-neutral rows a move to MariaDB needs.)
 * - MySQL/MariaDB: `START TRANSACTION WITH CONSISTENT SNAPSHOT` at REPEATABLE READ on one connection, exactly
 *   what `mariadb-dump --single-transaction` does, but read through the app's driver so the rows come out in the
 *   same format as SQLite's (mariadb-backup would copy InnoDB files: fast, but usable only by the same server
 *   version, never by SQLite).
 */
export interface DbSnapshot {
  driver: 'sqlite' | 'mysql';
  tables(): Promise<string[]>;
  migrations(): Promise<string[]>;
  rows(table: string): AsyncIterable<Row>;
  close(): Promise<void>;
}

/** A datetime in the one text form both drivers accept and TypeORM writes on SQLite: `YYYY-MM-DD HH:MM:SS.SSS` (UTC). */
export function datetimeText(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** A value as written to a table part: dates as UTC text, binary as `{ $b64 }`, everything else as JSON has it. */
export function exportValue(v: unknown): unknown {
  if (v instanceof Date) return datetimeText(v);
  if (Buffer.isBuffer(v)) return { $b64: v.toString('base64') };
  if (typeof v === 'bigint') return v.toString();
  return v;
}

export async function openSnapshot(db: AppConfig['database'], appDataSource?: DataSource): Promise<DbSnapshot> {
  return db.type === 'sqlite' ? sqliteSnapshot(db.path) : mysqlSnapshot(db, appDataSource);
}

function sqliteSnapshot(path: string): DbSnapshot {
  const conn = new Database(path, { fileMustExist: true });
  conn.pragma(`busy_timeout = ${SQLITE_BUSY_MS}`);
  conn.exec('BEGIN');
  // the snapshot is taken by the first read, not by BEGIN
  const names = (
    conn
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as {
      name: string;
    }[]
  ).map((r) => r.name);
  return {
    driver: 'sqlite',
    tables: async () => names.filter((n) => !SKIPPED.has(n)),
    migrations: async () =>
      names.includes('migrations')
        ? (conn.prepare('SELECT name FROM migrations ORDER BY id').all() as { name: string }[]).map((r) => r.name)
        : [],
    async *rows(table: string) {
      if (!names.includes(table)) throw new Error(`no table ${table}`);
      for (const r of conn.prepare(`SELECT * FROM "${table}"`).iterate()) yield r as Row;
    },
    close: async () => {
      if (conn.inTransaction) conn.exec('COMMIT');
      conn.close();
    },
  };
}

async function mysqlSnapshot(
  db: Extract<AppConfig['database'], { type: 'mysql' }>,
  app?: DataSource,
): Promise<DbSnapshot> {
  const own = app ? null : new DataSource({ type: db.flavor, url: db.url, timezone: 'Z', supportBigNumbers: true });
  const ds = app ?? own!;
  if (own) await own.initialize();
  const qr: QueryRunner = ds.createQueryRunner('slave');
  await qr.connect();
  await qr.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await qr.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  const names = (
    (await qr.query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )) as { name: string }[]
  ).map((r) => r.name);
  return {
    driver: 'mysql',
    tables: async () => names.filter((n) => !SKIPPED.has(n)),
    migrations: async () =>
      names.includes('migrations')
        ? ((await qr.query('SELECT name FROM migrations ORDER BY id')) as { name: string }[]).map((r) => r.name)
        : [],
    async *rows(table: string) {
      if (!names.includes(table)) throw new Error(`no table ${table}`);
      // streamed: a million rows never sit in memory at once
      const stream = await qr.stream(`SELECT * FROM \`${table}\``);
      for await (const r of stream) yield r as Row;
    },
    close: async () => {
      await qr.query('COMMIT').catch(() => undefined);
      await qr.release();
      if (own) await own.destroy();
    },
  };
}
