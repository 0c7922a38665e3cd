import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { analyzeStaleTables } from '../src/database/sqlite-statistics.js';
import { hashPassword } from '../src/modules/auth/password-hasher.js';
import { BulkSession } from './support/bulk-insert.js';
import { seedContent } from './support/seed-content.js';
import { seedDocuments, type SeedAgency } from './support/seed-documents.js';
import { personName, Rng, stableId } from './support/rng.js';

/**
 * npm run seed:scale -- --documents N [--agencies 300] [--users 10000] [--tasks N/10] [--content N: documents given page text, default all]
 * A realistic province for benchmarks, on the database of DATA_DIR / DATABASE_URL: agencies, units, users with
 * roles (password DEMO_PASSWORD), N documents over three years with registers and gap-free numbers, dossiers,
 * completed process histories and open tasks. The app itself migrates, seeds the demo province and deploys the
 * processes first; then rows go in as multi-row INSERTs built from the entities' metadata (bench/support).
 * Writes DATA_DIR/seed-scale.json (what was generated, and users the load benchmark logs in as).
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number`);
  return Math.floor(v);
}

async function main(): Promise<void> {
  const documents = arg('documents', 1_000_000);
  const agencyCount = arg('agencies', 300);
  const userCount = Math.max(arg('users', 10_000), agencyCount * 4);
  const openTasks = arg('tasks', Math.round(documents / 10));
  const t0 = Date.now();
  const config = loadConfig();
  const app = await createApp(config, {}, { logger: ['error', 'warn'] });
  await app.close();

  const ds = new DataSource(dataSourceOptions(config.database));
  await ds.initialize();
  const [{ n: already }] = await ds.query(`SELECT COUNT(*) AS n FROM agency WHERE organ_id LIKE 'S%.H42'`);
  if (Number(already) > 0) {
    console.log(`seed:scale: this database already holds a generated province (${already} agencies); nothing done.`);
    await ds.destroy();
    return;
  }
  if (ds.options.type === 'better-sqlite3') {
    await ds.query('PRAGMA synchronous = OFF');
    await ds.query('PRAGMA cache_size = -200000');
  }
  const rng = new Rng(20261125);
  const now = new Date();
  const [root] = await ds.query(`SELECT id FROM agency WHERE parent_id IS NULL ORDER BY created_at LIMIT 1`);
  const passwordHash = await hashPassword(config.demoPassword);
  const session = new BulkSession(ds);
  await session.begin();

  // agencies: one tenth departments (larger), the rest communes; each with units and users
  const agencies: SeedAgency[] = [];
  for (let a = 0; a < agencyCount; a++) {
    const department = a < Math.ceil(agencyCount / 10);
    const id = stableId(`scale-agency-${a}`);
    const name = department ? `Sở Thử nghiệm số ${a + 1}` : `Ủy ban nhân dân xã Thử Nghiệm ${a + 1}`;
    await session.add('agency', {
      id,
      organId: `S${String(a).padStart(3, '0')}.00.H42`,
      name,
      abbreviation: department ? `STN${a + 1}` : 'UBND',
      level: department ? 'department' : 'commune',
      parentId: root?.id ?? null,
      placeName: 'Hà Tĩnh',
      createdAt: now,
    });
    const unitIds: string[] = [];
    for (const [abbr, unitName] of department
      ? [
          ['VP', 'Văn phòng'],
          ['TCCB', 'Phòng Tổ chức cán bộ'],
          ['KHTC', 'Phòng Kế hoạch - Tài chính'],
        ]
      : [['VP', 'Văn phòng']]) {
      const unitId = stableId(`scale-unit-${a}-${abbr}`);
      unitIds.push(unitId);
      await session.add('unit', { id: unitId, agencyId: id, name: unitName, abbreviation: abbr });
    }
    agencies.push({
      id,
      abbreviation: department ? `STN${a + 1}` : `UBND${a + 1}`,
      name,
      unitIds,
      users: [],
      weight: department ? 4 : 1,
    });
  }
  for (let u = 0; u < userCount; u++) {
    const agency = agencies[u % agencies.length];
    const slot = Math.floor(u / agencies.length);
    const role: string = ['leader', 'clerk', 'unit-head', 'archivist'][slot] ?? 'staff';
    const unitId = agency.unitIds[slot % agency.unitIds.length];
    const id = stableId(`scale-user-${u}`);
    const fullName = personName(rng);
    await session.add('user', {
      id,
      username: `scale.u${String(u).padStart(5, '0')}`,
      fullName,
      title: role === 'leader' ? 'Giám đốc' : role === 'clerk' ? 'Văn thư' : 'Chuyên viên',
      agencyId: agency.id,
      unitId,
      passwordHash,
      createdAt: now,
    });
    await session.add('role_assignment', {
      id: stableId(`scale-role-${u}`),
      userId: id,
      role,
      agencyId: agency.id,
      unitId: role === 'unit-head' || role === 'staff' ? unitId : null,
    });
    agency.users.push({ id, username: `scale.u${String(u).padStart(5, '0')}`, role, unitId, fullName });
  }

  const stats = await seedDocuments(ds, session, rng, agencies, { documents, openTasks, now });
  const counts = await session.end();
  // the documents' text, indexed for content search (bench/search.ts)
  const contentStart = Date.now();
  const content = await seedContent(ds, rng, arg('content', documents));
  counts.content_page = content.pages;
  console.log(`content: ${content.pages} pages in ${((Date.now() - contentStart) / 1000).toFixed(1)} s`);
  // as a running installation has them (refreshed hourly): the planner's statistics of the generated data
  await analyzeStaleTables(ds);
  await ds.destroy();
  const seconds = (Date.now() - t0) / 1000;
  const biggest = [...agencies].sort((x, y) => y.weight - x.weight)[0];
  const manifest = {
    generatedAt: now.toISOString(),
    database: config.database.type,
    documents,
    agencies: agencies.length,
    users: userCount,
    openTasks: stats.openTasks,
    rows: counts,
    seconds,
    bench: {
      agencyId: biggest.id,
      leader: biggest.users.find((u) => u.role === 'leader')?.username,
      clerk: biggest.users.find((u) => u.role === 'clerk')?.username,
      staff: biggest.users
        .filter((u) => u.role === 'staff')
        .map((u) => u.username)
        .slice(0, 50),
    },
  };
  writeFileSync(join(config.dataDir, 'seed-scale.json'), JSON.stringify(manifest, null, 2));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(
    `seed:scale: ${total} rows in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} rows/s) on ${config.database.type}`,
  );
  console.log(JSON.stringify(counts));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
