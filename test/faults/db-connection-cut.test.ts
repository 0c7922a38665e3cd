import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { isMysql, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Issue 8: the database connection is cut during traffic (MariaDB `KILL` of every connection of the app's
 * database, repeatedly for a few seconds). Requests fail with 503 + Retry-After, nothing is half-written,
 * and the service resumes by itself. SQLite has no connections to cut: skipped there.
 */
const CUT_FOR_MS = 3000;

describe(
  'database connections killed during traffic',
  { skip: isMysql ? false : 'MariaDB only (SQLite has no server connections to kill)' },
  () => {
    let t: TestApp;
    let killer: DataSource;
    let dbName: string;

    before(async () => {
      t = await startTestApp();
      dbName = new URL(t.config.database.type === 'mysql' ? t.config.database.url : 'mysql://x/x').pathname.slice(1);
      killer = new DataSource({ type: 'mysql', url: process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:') });
      await killer.initialize();
    });
    after(async () => {
      await killer?.destroy();
      await t?.close();
    });

    it('given reads and writes in flight, when every connection is killed repeatedly, then 503 + Retry-After, no half-written change, and recovery', async () => {
      const agencyId = (await t.request('GET', '/api/auth/me', { as: 'snv.admin' })).body.agencyId;
      await t.token('snv.cv');
      const statuses = new Map<number, number>();
      const bad: string[] = [];
      const created: string[] = [];
      let stop = false;
      let kills = 0;

      const note = (label: string, res: { status: number; body: any; headers: Headers }) => {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 503) {
          if (res.body?.code !== 'DATABASE_UNAVAILABLE' || !res.headers.get('retry-after'))
            bad.push(`${label}: 503 without code/Retry-After ${JSON.stringify(res.body)}`);
        } else if (res.status >= 300) bad.push(`${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      };
      let n = 0;
      const writer = async () => {
        while (!stop) {
          const i = n++;
          const res = await t.request('POST', `/api/agencies/${agencyId}/units`, {
            as: 'snv.admin',
            body: { name: `Phòng cắt kết nối ${i}`, abbreviation: `CUT${i}` },
          });
          note('write', res);
          if (res.status === 201) created.push(res.body.id);
        }
      };
      const reader = async () => {
        while (!stop) note('read', await t.request('GET', '/api/users', { as: 'snv.cv' }));
      };
      const cutter = async () => {
        const until = Date.now() + CUT_FOR_MS;
        while (Date.now() < until) {
          const rows: { id: number }[] = await killer.query(
            'SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()',
            [dbName],
          );
          for (const r of rows) {
            await killer.query(`KILL ${Number(r.id)}`).catch(() => undefined);
            kills++;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        stop = true;
      };
      await Promise.all([writer(), writer(), reader(), reader(), cutter()]);
      console.log(`# ${kills} connections killed; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
      assert.deepEqual(bad, [], 'only success or 503 DATABASE_UNAVAILABLE with Retry-After');
      assert.ok(kills > 0, 'the cutter killed connections');
      assert.ok((statuses.get(503) ?? 0) > 0, 'some requests met a cut connection');

      // resumes by itself: bounded polling, no restart
      let healthy = false;
      for (let i = 0; i < 60 && !healthy; i++) {
        healthy = (await t.request('GET', '/api/health')).status === 200;
        if (!healthy) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(healthy, 'health is back');
      const after = await t.request('POST', `/api/agencies/${agencyId}/units`, {
        as: 'snv.admin',
        body: { name: 'Phòng sau sự cố', abbreviation: 'AFTER' },
      });
      assert.equal(after.status, 201);

      // nothing half-written: every unit of the run exists with its audit event, and no unit exists without one
      const units: { id: string }[] = await t.dataSource.query(`SELECT id FROM unit WHERE abbreviation LIKE 'CUT%'`);
      const audited = new Set(
        (
          (await t.dataSource.query(
            `SELECT entity_id FROM audit_event WHERE entity_id IN (${units.map(() => '?').join(',') || "''"})`,
            units.map((u) => u.id),
          )) as { entity_id: string }[]
        ).map((r) => r.entity_id),
      );
      for (const id of created)
        assert.ok(
          units.some((u) => u.id === id),
          `acknowledged unit ${id} lost`,
        );
      assert.deepEqual(
        units.filter((u) => !audited.has(u.id)).map((u) => u.id),
        [],
        'unit rows without their audit event',
      );
      const verify = await t.request('GET', '/api/audit/verify', { as: 'admin' });
      assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
    });
  },
);
