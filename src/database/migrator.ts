import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Applies pending migrations at start. On MySQL a named lock keeps two app processes that start together
 * from migrating at the same time.
 */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  const logger = new Logger('Migrations');
  const mysql = ds.options.type !== 'better-sqlite3';
  if (mysql) await ds.query(`SELECT GET_LOCK('hoso_migrations', 120)`);
  try {
    const done = await ds.runMigrations({ transaction: mysql ? 'none' : 'each' });
    if (done.length) logger.log(`applied ${done.length} migration(s): ${done.map((m) => m.name).join(', ')}`);
    return done.map((m) => m.name);
  } finally {
    if (mysql) await ds.query(`SELECT RELEASE_LOCK('hoso_migrations')`);
  }
}
