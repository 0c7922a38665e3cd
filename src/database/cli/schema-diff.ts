import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { detectDatabaseFlavor, type AppConfig } from '../../config/app-config.js';
import { dataSourceOptions, ENTITY_GLOB } from '../data-source-options.js';
import { runMigrations } from '../migrator.js';

/**
 * Builds a throwaway database of the driver named by DATABASE_URL (sqlite when unset), applies every migration,
 * then asks TypeORM what it would still change to match the entities. `only` limits the entities to files
 * under a path (one module), so parallel work on other modules does not leak into a generated migration.
 */
export async function schemaDiff(only?: string): Promise<{ up: string[]; down: string[]; driver: 'sqlite' | 'mysql' }> {
  const url = process.env.DATABASE_URL ?? '';
  const mysql = /^(mysql|mariadb):/.test(url);
  let db: AppConfig['database'];
  let cleanup: () => Promise<void>;
  if (mysql) {
    const name = `hoso_schema_${randomBytes(4).toString('hex')}`;
    const admin = new DataSource({ type: 'mysql', url });
    await admin.initialize();
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
    u.pathname = `/${name}`;
    db = (await detectDatabaseFlavor({ database: { type: 'mysql', url: u.toString(), flavor: 'mysql' } } as AppConfig))
      .database;
    cleanup = async () => {
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.destroy();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-schema-'));
    db = { type: 'sqlite', path: join(dir, 'schema.sqlite') };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const entities = only
    ? (readdirSync(join(__dirname, '..', '..'), { recursive: true }) as string[])
        .map((f) => join(__dirname, '..', '..', f))
        .filter((f) => f.endsWith('.entity.js') && f.includes(`/${only.replace(/^src\//, '').replace(/\/$/, '')}/`))
    : [ENTITY_GLOB];
  const ds = new DataSource(dataSourceOptions(db, { entities }));
  await ds.initialize();
  try {
    await runMigrations(ds);
    const log = await ds.driver.createSchemaBuilder().log();
    return {
      up: log.upQueries.map((q) => q.query),
      down: log.downQueries.map((q) => q.query).reverse(),
      driver: mysql ? 'mysql' : 'sqlite',
    };
  } finally {
    await ds.destroy();
    await cleanup();
  }
}
