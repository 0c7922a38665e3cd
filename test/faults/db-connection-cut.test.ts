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

/** Kills every connection of `dbName` (but the killer's own) every `everyMs` for CUT_FOR_MS; returns the kill count. */
async function cutConnections(killer: DataSource, dbName: string, everyMs = 50): Promise<number> {
  let kills = 0;
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
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return kills;
}

/** Bounded polling of /api/health, no restart. */
async function healthyAgain(t: TestApp): Promise<boolean> {
  for (let i = 0; i < 60; i++) {
    if ((await t.request('GET', '/api/health')).status === 200) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

type Res = { status: number; body: any; headers: Headers };

/** Counts statuses; anything but success or 503 DATABASE_UNAVAILABLE with Retry-After goes to `bad`. */
function statusLog() {
  const statuses = new Map<number, number>();
  const byLabel = new Map<string, number>();
  const bad: string[] = [];
  const note = (label: string, res: Res) => {
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    byLabel.set(`${label} ${res.status}`, (byLabel.get(`${label} ${res.status}`) ?? 0) + 1);
    if (res.status === 503) {
      if (res.body?.code !== 'DATABASE_UNAVAILABLE' || !res.headers.get('retry-after'))
        bad.push(`${label}: 503 without code/Retry-After ${JSON.stringify(res.body)}`);
    } else if (res.status >= 300) bad.push(`${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  };
  return { statuses, byLabel, bad, note };
}

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
      const { statuses, bad, note } = statusLog();
      const created: string[] = [];
      let stop = false;
      let kills = 0;

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
        kills = await cutConnections(killer, dbName);
        stop = true;
      };
      await Promise.all([writer(), writer(), reader(), reader(), cutter()]);
      console.log(`# ${kills} connections killed; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
      assert.deepEqual(bad, [], 'only success or 503 DATABASE_UNAVAILABLE with Retry-After');
      assert.ok(kills > 0, 'the cutter killed connections');
      assert.ok((statuses.get(503) ?? 0) > 0, 'some requests met a cut connection');

      // resumes by itself: bounded polling, no restart
      assert.ok(await healthyAgain(t), 'health is back');
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

    it('given documents being created and their tasks completed, when every connection is killed, then each document and each step is all there or not at all, and the flows go on', async () => {
      const giamdoc = (await t.request('GET', '/api/auth/me', { as: 'snv.giamdoc' })).body.id;
      await t.token('snv.tp');
      const { statuses, byLabel, bad, note } = statusLog();
      const created = new Set<string>();
      const attempted = new Set<string>();
      const completed = new Set<string>();
      let stop = false;
      let kills = 0;
      let n = 0;
      const creator = async () => {
        while (!stop) {
          const i = n++;
          const res = await t.request('POST', '/api/documents/outgoing', {
            as: 'snv.cv',
            body: { typeCode: 'CV', subject: `Về việc cắt kết nối số ${i}`, signerId: giamdoc },
          });
          note('create', res);
          if (res.status === 201) created.add(res.body.id);
        }
      };
      // completes the draft step of documents created above; a task is tried once (a 503 leaves it uncertain)
      const completer = async () => {
        while (!stop) {
          const res = await t.request('GET', '/api/tasks?scope=mine&state=open&limit=100', { as: 'snv.cv' });
          note('inbox', res);
          const ready =
            res.status === 200
              ? (res.body as { id: string; businessKey: string; elementId: string }[]).filter(
                  (x) => x.elementId === 'draft' && created.has(x.businessKey) && !attempted.has(x.id),
                )
              : [];
          if (!ready.length) await new Promise((r) => setTimeout(r, 20));
          // claimed for this completer before the first await, so the other one never tries them too
          const mine = ready.slice(0, 5);
          for (const task of mine) attempted.add(task.id);
          for (const task of mine) {
            const done = await t.request('POST', `/api/tasks/${task.id}/complete`, { as: 'snv.cv', body: {} });
            note('complete', done);
            if (done.status < 300) completed.add(task.businessKey);
          }
        }
      };
      const reader = async () => {
        while (!stop) note('list', await t.request('GET', '/api/documents?direction=outgoing', { as: 'snv.cv' }));
      };
      // drafts to complete from the first cut on
      for (let i = 0; i < 30; i++) {
        const res = await t.request('POST', '/api/documents/outgoing', {
          as: 'snv.cv',
          body: { typeCode: 'CV', subject: `Về việc cắt kết nối số trước ${i}`, signerId: giamdoc },
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        created.add(res.body.id);
      }
      // the connections are killed every 200 ms: a multi-statement write often lives through one cut, not many
      const cutter = async () => {
        kills = await cutConnections(killer, dbName, 200);
        stop = true;
      };
      // a failing loop stops the others (else they would run on until the file's timeout)
      const loop = (f: () => Promise<void>) =>
        f().catch((e) => {
          stop = true;
          throw e;
        });
      await Promise.all([creator, creator, completer, completer, reader, cutter].map(loop));
      console.log(
        `# ${kills} connections killed; ${created.size} documents and ${completed.size} drafts acknowledged; ${JSON.stringify(Object.fromEntries(byLabel))}`,
      );
      assert.deepEqual(bad, [], 'only success or 503 DATABASE_UNAVAILABLE with Retry-After');
      assert.ok((statuses.get(503) ?? 0) > 0, 'some requests met a cut connection');
      assert.ok(completed.size > 0, 'some drafts were completed around the cuts');
      assert.ok(await healthyAgain(t), 'health is back');

      // every document row of the run is whole: its instance, its creation event, one draft task
      const docs: { id: string; status: string }[] = await t.dataSource.query(
        `SELECT id, status FROM document WHERE subject LIKE 'Về việc cắt kết nối số %'`,
      );
      const ids = docs.map((d) => d.id);
      for (const id of created) assert.ok(ids.includes(id), `acknowledged document ${id} lost`);
      const inList = ids.map(() => '?').join(',') || "''";
      const instances: { business_key: string; state: string }[] = await t.dataSource.query(
        `SELECT business_key, state FROM workflow_instance WHERE business_key IN (${inList})`,
        ids,
      );
      const events: { entity_id: string }[] = await t.dataSource.query(
        `SELECT entity_id FROM audit_event WHERE action = 'document.created' AND entity_id IN (${inList})`,
        ids,
      );
      const tasksOf = async () => {
        const rows: { business_key: string; element_id: string; state: string }[] = await t.dataSource.query(
          `SELECT business_key, element_id, state FROM task WHERE business_key IN (${inList})`,
          ids,
        );
        const out = new Map<string, string[]>(ids.map((id) => [id, []]));
        for (const r of rows) out.get(r.business_key)!.push(`${r.element_id}:${r.state}`);
        for (const v of out.values()) v.sort();
        return out;
      };
      for (const id of ids) {
        assert.deepEqual(
          instances.filter((i) => i.business_key === id).map((i) => i.state),
          ['active'],
          `document ${id}: one active instance`,
        );
        assert.equal(events.filter((e) => e.entity_id === id).length, 1, `document ${id}: one creation event`);
      }
      // each draft step is all there or not at all: completed with its review task, or still open alone
      for (const [id, tasks] of await tasksOf()) {
        const ok =
          JSON.stringify(tasks) === JSON.stringify(['draft:open']) ||
          JSON.stringify(tasks) === JSON.stringify(['draft:done', 'review:open']);
        assert.ok(ok, `document ${id}: tasks ${JSON.stringify(tasks)}`);
        if (completed.has(id)) assert.deepEqual(tasks, ['draft:done', 'review:open'], `acknowledged draft of ${id}`);
      }

      // and the flows go on from where the database says they are: the drafts left open, then every review
      const open = await t.request('GET', '/api/tasks?scope=mine&state=open&limit=500', { as: 'snv.cv' });
      for (const task of (open.body as { id: string; businessKey: string; elementId: string }[]).filter(
        (x) => x.elementId === 'draft' && ids.includes(x.businessKey),
      )) {
        const res = await t.request('POST', `/api/tasks/${task.id}/complete`, { as: 'snv.cv', body: {} });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      const reviews: { id: string; businessKey: string }[] = [];
      for (const scope of ['mine', 'group']) {
        const res = await t.request('GET', `/api/tasks?scope=${scope}&state=open&limit=500`, { as: 'snv.tp' });
        for (const x of res.body as { id: string; businessKey: string; elementId: string; assigneeId: string }[])
          if (x.elementId === 'review' && ids.includes(x.businessKey)) reviews.push(x);
      }
      assert.equal(new Set(reviews.map((r) => r.businessKey)).size, ids.length, 'one review task per document');
      for (const task of reviews) {
        await t.request('POST', `/api/tasks/${task.id}/claim`, { as: 'snv.tp' });
        const res = await t.request('POST', `/api/tasks/${task.id}/complete`, {
          as: 'snv.tp',
          body: { variables: { decision: 'approve' } },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      for (const [id, tasks] of await tasksOf())
        assert.deepEqual(tasks, ['draft:done', 'formatCheck:open', 'review:done'], `document ${id}`);
      const verify = await t.request('GET', '/api/audit/verify', { as: 'admin' });
      assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
    });
  },
);
