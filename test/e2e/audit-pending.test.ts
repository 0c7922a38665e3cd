import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TransactionService } from '../../src/database/transaction.service.js';
import { AuditService } from '../../src/modules/audit/index.js';
import { isMysql, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Audit entries are written just before their transaction commits (TransactionService.pending): they commit
 * or roll back with it, a rolled-back savepoint drops its own, a transaction reads its own, and (MySQL) an
 * agency's chain head is not held from a transaction's first entry to its end.
 */
describe('audit entries written at commit', () => {
  let t: TestApp;
  let tx: TransactionService;
  let audit: AuditService;
  before(async () => {
    t = await startTestApp();
    tx = t.app.get(TransactionService);
    audit = t.app.get(AuditService);
  });
  after(() => t.close());

  const agency = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const actions = async (agencyId: string) =>
    (await t.dataSource.query(`SELECT action FROM audit_event WHERE agency_id = ? ORDER BY id`, [agencyId])).map(
      (r: { action: string }) => r.action,
    );
  const verify = async () => (await t.request('GET', '/api/audit/verify', { as: 'admin' })).body;
  const rec = (agencyId: string, action: string) =>
    audit.record({ agencyId, action, entityType: 'test', entityId: action });

  it('commits with the transaction, in the order recorded, and the chain verifies', async () => {
    const a = agency(1);
    await tx.run(async () => {
      await rec(a, 'one');
      await rec(agency(2), 'other-agency');
      await rec(a, 'two');
      assert.deepEqual(await actions(a), [], 'nothing is written before commit');
      await rec(a, 'three');
    });
    assert.deepEqual(await actions(a), ['one', 'two', 'three']);
    assert.deepEqual(await actions(agency(2)), ['other-agency']);
    const v = await verify();
    assert.equal(v.ok, true, JSON.stringify(v));
  });

  it('a transaction that fails leaves no entry; a rolled-back savepoint drops only its own', async () => {
    const a = agency(3);
    await assert.rejects(
      tx.run(async () => {
        await rec(a, 'lost');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await actions(a), []);
    await tx.run(async (m) => {
      await rec(a, 'before');
      await assert.rejects(
        tx.savepoint(m, async () => {
          await rec(a, 'inside');
          throw new Error('worker failed');
        }),
        /worker failed/,
      );
      await tx.savepoint(m, async () => rec(a, 'kept'));
      await rec(a, 'after');
    });
    assert.deepEqual(await actions(a), ['before', 'kept', 'after']);
    assert.equal((await verify()).ok, true);
  });

  it('keeps the data as it was when recorded, though written at commit', async () => {
    const a = agency(7);
    await tx.run(async () => {
      const data = { ids: ['x'], note: 'before' };
      await audit.record({ agencyId: a, action: 'snapshot', entityType: 'test', entityId: 's', data });
      data.ids.push('y');
      data.note = 'after';
    });
    const [row] = await t.dataSource.query(`SELECT data FROM audit_event WHERE agency_id = ?`, [a]);
    assert.deepEqual(JSON.parse(row.data), { ids: ['x'], note: 'before' });
    assert.equal((await verify()).ok, true);
  });

  it("a transaction's trail includes what it recorded so far", async () => {
    const a = agency(4);
    await tx.run(async () => {
      await audit.record({ agencyId: a, action: 'seen', entityType: 'test-trail', entityId: 'x' });
      const trail = await audit.trail('test-trail', 'x');
      assert.deepEqual(
        trail.map((e) => e.action),
        ['seen'],
      );
      await audit.record({ agencyId: a, action: 'later', entityType: 'test-trail', entityId: 'x' });
    });
    assert.deepEqual(await actions(a), ['seen', 'later']);
    assert.equal((await verify()).ok, true);
  });

  it('outside a transaction an entry is written at once', async () => {
    await rec(agency(5), 'alone');
    assert.deepEqual(await actions(agency(5)), ['alone']);
  });

  it(
    "MySQL: an agency's open transaction with an entry does not hold its chain for another one",
    { skip: !isMysql },
    async () => {
      const a = agency(6);
      await rec(a, 'first'); // the chain head exists
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let recorded!: () => void;
      const inside = new Promise<void>((r) => (recorded = r));
      const slow = tx.run(async () => {
        await rec(a, 'slow');
        recorded();
        await held;
      });
      await inside;
      // another request of the same agency commits while the first is still open
      const quick = tx.run(() => rec(a, 'quick'));
      const winner = await Promise.race([
        quick.then(() => 'quick'),
        new Promise((r) => setTimeout(() => r('timeout'), 2000)),
      ]);
      release();
      await Promise.all([slow, quick]);
      assert.equal(winner, 'quick');
      assert.deepEqual(await actions(a), ['first', 'quick', 'slow']);
      assert.equal((await verify()).ok, true);
    },
  );
});
