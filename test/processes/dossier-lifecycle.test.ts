import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity.js';
import { DossierAlertEntity, DossierEntity } from '../../src/modules/dossiers/dossier.entity.js';
import { startEngineHarness, type EngineHarness } from './support/engine-harness.js';

const DAY = 86400_000;

/**
 * processes/dossier-lifecycle.bpmn on the embedded engine with the real dossier workers and a ManualClock.
 * The dossier's own state changes are made as the API makes them (closing needs final documents, which the
 * dossier e2e tests cover); here the process is driven by the messages those changes publish.
 */
describe('dossier-lifecycle process', () => {
  let h: EngineHarness;
  before(async () => {
    h = await startEngineHarness();
  });
  after(() => h.close());

  const open = async (notation: string) => {
    const r = await h.t.request('POST', '/api/dossiers', {
      as: 'snv.cv',
      body: { title: `Hồ sơ ${notation}`, notation, retention: '10 năm' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    // the instance starts after the opening commits
    for (let i = 0; i < 100; i++) {
      await h.engine.idle();
      const d = await h.t.dataSource.getRepository(DossierEntity).findOneByOrFail({ id: r.body.id });
      if (d.processInstanceId) return d;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error('lifecycle not started on opening');
  };
  const close = async (d: DossierEntity) => {
    await h.t.dataSource
      .getRepository(DossierEntity)
      .update({ id: d.id }, { state: 'closed', closedAt: h.clock.now() });
    await h.engine.publishMessage('dossier-closed', d.id, {});
    await h.engine.idle();
    return h.t.dataSource.getRepository(DossierEntity).findOneByOrFail({ id: d.id });
  };
  const alerts = (id: string) => h.t.dataSource.getRepository(DossierAlertEntity).findBy({ dossierId: id });
  const fireTimers = async (ms: number) => {
    h.clock.advance(ms);
    await h.scheduler.runDue();
    await h.engine.idle();
  };
  /** The deadline moved from `was` to `now`: the old alert date passes silently, the new one alerts, once. */
  const assertAlertMoved = async (dossierId: string, was: Date, now: Date) => {
    await fireTimers(was.getTime() - h.clock.now().getTime() - 29 * DAY);
    assert.equal((await alerts(dossierId)).length, 0, 'no alert at the old date');
    await fireTimers(now.getTime() - h.clock.now().getTime() - 29 * DAY);
    assert.deepEqual(
      (await alerts(dossierId)).map((x) => x.kind),
      [`transfer-due:${now.toISOString().slice(0, 10)}`],
    );
  };

  it('given a closed dossier, the transfer is due within a year and alerted 30 days ahead; submitted, rejected, resubmitted, accepted', async () => {
    const d = await open('21.TCCB');
    const closedAt = h.clock.now();
    const c = await close(d);
    const due = new Date(closedAt);
    due.setUTCFullYear(due.getUTCFullYear() + 1);
    assert.equal(c.transferDueAt?.toISOString(), due.toISOString());
    assert.deepEqual(await h.completed(d.processInstanceId!), ['start', 'open', 'collect', 'scheduleTransfer']);

    await fireTimers(due.getTime() - closedAt.getTime() - 31 * DAY);
    assert.equal((await alerts(d.id)).length, 0, 'no alert 31 days before');
    await fireTimers(2 * DAY);
    const a = await alerts(d.id);
    assert.equal(a.length, 1);
    assert.equal(a[0].kind, `transfer-due:${due.toISOString().slice(0, 10)}`);
    assert.ok(
      await h.t.dataSource
        .getRepository(AuditEventEntity)
        .existsBy({ entityId: d.id, action: 'dossier.transfer-due-alerted' }),
    );

    await h.engine.publishMessage('dossier-submitted', d.id, {});
    await h.engine.publishMessage('dossier-rejected', d.id, { rejectionReasons: ['Thiếu mục lục'] });
    await h.engine.idle();
    await h.engine.publishMessage('dossier-submitted', d.id, {});
    await h.engine.publishMessage('dossier-accepted', d.id, {});
    await h.engine.idle();
    const inst = await h.instance(d.processInstanceId!);
    assert.equal(inst.state, 'completed');
    const done = await h.completed(d.processInstanceId!);
    assert.deepEqual(done.slice(-3), ['awaitSubmission', 'awaitAcceptance', 'endArchived']);
    assert.ok(done.includes('alertDue') && done.includes('rejected'));
    assert.equal(done.filter((x) => x === 'scheduleTransfer').length, 2);
  });

  it('given a retention request approved by the head of the agency, the deadline moves (at most 2 years) and the alert follows it', async () => {
    const d = await open('22.TCCB');
    const c = await close(d);
    const until = new Date(c.transferDueAt!.getTime() + 180 * DAY);
    await h.engine.publishMessage('dossier-retention-requested', d.id, {
      requestedUntil: until.toISOString(),
      retentionReason: 'Còn cần để giải quyết khiếu nại',
    });
    await h.engine.idle();
    const task = h.openTask(d.processInstanceId!, 'approveRetention');
    assert.deepEqual(task.candidateGroups, ['leader']);
    assert.equal(task.formId, 'dossier-retain');
    await h.engine.completeUserTask(task.key, { decision: 'approve' }, { by: 'leader' });
    await h.engine.idle();
    const r = await h.t.dataSource.getRepository(DossierEntity).findOneByOrFail({ id: d.id });
    assert.equal(r.retainedUntil?.toISOString(), until.toISOString());
    assert.equal(r.transferDueAt?.toISOString(), until.toISOString());
    await assertAlertMoved(d.id, c.transferDueAt!, until);
  });

  it('given a retention approved directly by the head of the agency, the process schedules again and the alert follows', async () => {
    const d = await open('24.TCCB');
    const c = await close(d);
    const until = new Date(c.transferDueAt!.getTime() + 200 * DAY);
    const r = await h.t.request('POST', `/api/dossiers/${d.id}/retain`, {
      as: 'snv.giamdoc',
      body: { until: until.toISOString(), reason: 'Còn theo dõi việc thực hiện' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    for (let i = 0; i < 100 && !(await h.completed(d.processInstanceId!)).includes('retentionChanged'); i++) {
      await h.engine.idle();
      await new Promise((res) => setTimeout(res, 20));
    }
    const done = await h.completed(d.processInstanceId!);
    assert.equal(done.filter((x) => x === 'scheduleTransfer').length, 2, done.join(', '));
    await assertAlertMoved(d.id, c.transferDueAt!, until);
    assert.equal((await h.instance(d.processInstanceId!)).state, 'active', 'still waiting for the submission');
  });

  it('given a refused or too long retention, the deadline stays', async () => {
    const d = await open('23.TCCB');
    const c = await close(d);
    await h.engine.publishMessage('dossier-retention-requested', d.id, {
      requestedUntil: new Date(c.transferDueAt!.getTime() + 100 * DAY).toISOString(),
    });
    await h.engine.idle();
    await h.engine.completeUserTask(h.openTask(d.processInstanceId!, 'approveRetention').key, { decision: 'reject' });
    await h.engine.idle();
    await h.engine.publishMessage('dossier-retention-requested', d.id, {
      requestedUntil: new Date(c.transferDueAt!.getTime() + 3 * 366 * DAY).toISOString(),
    });
    await h.engine.idle();
    await h.engine.completeUserTask(h.openTask(d.processInstanceId!, 'approveRetention').key, { decision: 'approve' });
    await h.engine.idle();
    const r = await h.t.dataSource.getRepository(DossierEntity).findOneByOrFail({ id: d.id });
    assert.equal(r.retainedUntil, null);
    assert.equal(r.transferDueAt?.toISOString(), c.transferDueAt?.toISOString());
    assert.equal((await h.instance(d.processInstanceId!)).state, 'active');
  });
});
