import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { DEFAULT_POOL_SIZE, type AppConfig } from '../config/app-config.js';
import { SnakeNamingStrategy } from './naming-strategy.js';

const root = join(__dirname, '..');

/** How long SQLite waits for another process's write lock (busy_timeout; TransactionService waits as long). */
export const SQLITE_BUSY_MS = 10_000;

/** SQLite page cache per connection (one per process), in KiB. */
export const SQLITE_CACHE_KB = 16_000;

/**
 * Rows SQLite reads per index when it analyzes (SQLite's advice: 100–1000): at 1,000,000 documents an ANALYZE of
 * the whole database takes ~1.4–1.9 s with 400, ~8 s with PRAGMA optimize's own limit.
 */
export const SQLITE_ANALYSIS_LIMIT = 400;

export const ENTITY_GLOB = join(root, 'modules/**/*.entity.js');
export const MIGRATION_GLOB = join(root, 'database/migrations/*.js');

export function dataSourceOptions(
  db: AppConfig['database'],
  extra: { entities?: DataSourceOptions['entities']; logging?: boolean } = {},
): DataSourceOptions {
  const common = {
    entities: extra.entities ?? [ENTITY_GLOB],
    migrations: [MIGRATION_GLOB],
    migrationsRun: false,
    synchronize: false,
    logging: extra.logging ?? false,
    namingStrategy: new SnakeNamingStrategy(),
  };
  if (db.type === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      // WAL lets readers go on while one writer commits; busy_timeout covers a second process (fault tests).
      prepareDatabase: (conn: { pragma: (s: string) => unknown }) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma(`busy_timeout = ${SQLITE_BUSY_MS}`);
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        // 16 MB of page cache (default 2 MB): an agency's part of the wide list indexes is 2–3 MB at a province's
        // scale, so with the default every list re-read its pages from the OS (measured: 5.0 → 2.6 ms per list).
        conn.pragma(`cache_size = -${SQLITE_CACHE_KB}`);
        // rows read per index when ANALYZE runs (sqlite-statistics.ts)
        conn.pragma(`analysis_limit = ${SQLITE_ANALYSIS_LIMIT}`);
      },
    } as DataSourceOptions;
  }
  return {
    ...common,
    type: db.flavor,
    url: db.url,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    poolSize: db.poolSize ?? DEFAULT_POOL_SIZE,
    extra: {
      connectionLimit: db.poolSize ?? DEFAULT_POOL_SIZE,
      enableKeepAlive: true,
      waitForConnections: true,
      queueLimit: 0,
      connectTimeout: 5000,
    },
  } as DataSourceOptions;
}
