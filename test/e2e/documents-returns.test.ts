import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/common/clock.js';
import { EngineScheduler } from '../../src/modules/workflow/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { docsApi } from './documents.helpers.js';

/** Return paths of the outgoing flow (Decree 30/2020, art. 11–13) and the consultation deadline. */
describe('documents: review returns, signer returns, consultation deadline passes', () => {
  let t: TestApp;
  let api: ReturnType<typeof docsApi>;
  const clock = new ManualClock(new Date('2026-11-25T02:00:00Z'));
  before(async () => {
    t = await startTestApp({ clock });
    api = docsApi(t);
  });
  after(() => t.close());

  const draft = async (extra: Record<string, unknown> = {}) => {
    const giamdoc = await api.me('snv.giamdoc');
    const res = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: {
        typeCode: 'CV',
        subject: 'Về việc rà soát hồ sơ cán bộ',
        body: 'Đề nghị các đơn vị rà soát.',
        signerId: giamdoc.id,
        ...extra,
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };

  it('the unit head returns the draft: it goes back to the drafter, then through again', async () => {
    const id = await draft();
    await api.complete('snv.cv', id, 'draft');
    assert.equal((await api.doc('snv.cv', id)).status, 'reviewing');
    await api.complete('snv.tp', id, 'review', { decision: 'return', comment: 'Bổ sung căn cứ pháp lý.' });
    // then the document is a draft again and the drafter has the draft task back
    assert.equal((await api.doc('snv.cv', id)).status, 'drafting');
    assert.ok(await api.task('snv.cv', id, 'draft'));
    assert.equal(await api.task('snv.tp', id, 'review'), null);
    const history = (await t.request('GET', `/api/documents/${id}/history`, { as: 'snv.cv' })).body;
    const ret = history.find((e: { action: string }) => e.action === 'review-returned');
    assert.equal(ret.note, 'Bổ sung căn cứ pháp lý.');
    assert.equal(ret.actorName, 'Đỗ Văn Hùng');
    await api.complete('snv.cv', id, 'draft', { comment: 'Đã bổ sung' });
    await api.complete('snv.tp', id, 'review', { decision: 'approve' });
    assert.ok(await api.task('snv.vanthu', id, 'formatCheck'));
  });

  it('the signer returns the draft with comments: no number is taken', async () => {
    const id = await draft();
    await api.complete('snv.cv', id, 'draft');
    await api.complete('snv.tp', id, 'review', { decision: 'approve' });
    await api.complete('snv.vanthu', id, 'formatCheck', { decision: 'approve' });
    assert.equal((await api.doc('snv.cv', id)).status, 'signing');
    await api.complete('snv.giamdoc', id, 'sign', { decision: 'return', comment: 'Sửa lại đoạn 2.' });
    const d = await api.doc('snv.cv', id);
    assert.equal(d.status, 'drafting');
    assert.equal(d.number, null);
    assert.equal(d.signed, false);
    assert.ok(await api.task('snv.cv', id, 'draft'));
    const regs = await t.request('GET', '/api/registers?direction=outgoing', { as: 'snv.vanthu' });
    assert.ok(regs.body.every((r: { lastNumber: number }) => r.lastNumber === 0));
  });

  it('the consultation deadline passes: missing opinions are closed and the draft goes to review', async () => {
    const consultees = ['snv.cv2', 'snv.phogiamdoc'];
    const consulteeIds = await Promise.all(consultees.map(async (u) => (await api.me(u)).id));
    const id = await draft({ consulteeIds, consultationDueAt: '2026-11-27T10:00:00.000Z' });
    await api.complete('snv.cv', id, 'draft');
    assert.equal((await api.doc('snv.cv', id)).status, 'consulting');
    // given one consult task (multi-instance iteration) per consultee
    for (const u of consultees) assert.ok(await api.task(u, id, 'consult'), `${u} has a consult task`);
    // when the clock passes the deadline and the scheduler runs what is due
    clock.set('2026-11-27T10:00:01Z');
    await t.app.get(EngineScheduler).runDue();
    await api.idle();
    // then the consultation is closed and the unit head reviews
    assert.equal((await api.doc('snv.cv', id)).status, 'reviewing');
    assert.ok(await api.task('snv.tp', id, 'review'));
    const history = (await t.request('GET', `/api/documents/${id}/history`, { as: 'snv.cv' })).body.map(
      (e: { action: string }) => e.action,
    );
    assert.ok(history.includes('consultation-closed'));
    // and no consultee keeps an open consult task: every interrupted iteration's inbox task ended
    for (const u of consultees) assert.equal(await api.task(u, id, 'consult'), null, `${u} consult task still open`);
    const rows = await t.dataSource.query(
      'SELECT state, cancel_reason FROM task WHERE business_key = ? AND element_id = ?',
      [id, 'consult'],
    );
    assert.deepEqual(
      rows.map((r: { state: string; cancel_reason: string }) => [r.state, r.cancel_reason]),
      consultees.map(() => ['cancelled', 'interrupted']),
    );
  });
});
