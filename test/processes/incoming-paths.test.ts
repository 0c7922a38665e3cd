import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { ManualClock } from '../../src/common/clock.js';
import { EngineScheduler } from '../../src/modules/workflow/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { docsApi } from '../e2e/documents.helpers.js';

/** processes/incoming-document.bpmn: co-handlers, for-information, the deadline reminder, filing. */
describe('incoming-document.bpmn paths', () => {
  let t: TestApp;
  let api: ReturnType<typeof docsApi>;
  const clock = new ManualClock(new Date('2026-11-25T02:00:00Z'));
  before(async () => {
    t = await startTestApp({ clock });
    api = docsApi(t);
  });
  after(() => t.close());

  it('direction with co-handlers; the deadline passes (reminder, overdue); handled and filed', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage().drawText('Cong van');
    const up = await api.upload(
      'vanthu',
      '/api/documents/incoming',
      {
        senderName: 'Bộ Nội vụ',
        originalNumber: '120/BNV-CCVC',
        originalDate: '2026-11-20',
        typeCode: 'CV',
        subject: 'Về việc báo cáo biên chế',
        urgency: 'flash',
      },
      { name: 'cv120.pdf', type: 'application/pdf', content: Buffer.from(await pdf.save()) },
    );
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const id = up.body.id as string;
    assert.equal((await api.doc('vanthu', id)).status, 'received');
    await api.complete('vanthu', id, 'register');
    const reg = await api.doc('vanthu', id);
    assert.equal(reg.status, 'directing');
    assert.equal(reg.arrivalNumber, 1);
    const [cvvp, tpvp, phochutich] = [await api.me('cv.vp'), await api.me('tp.vp'), await api.me('phochutich')];
    await api.complete('chutich', id, 'direct', {
      mainHandlerId: cvvp.id,
      coHandlerIds: [tpvp.id],
      forInformationIds: [phochutich.id],
      dueDate: '2026-11-30',
      instruction: 'Văn phòng chủ trì, báo cáo trước ngày 30/11.',
    });
    const handling = await api.doc('cv.vp', id);
    assert.equal(handling.status, 'handling');
    assert.equal(handling.instruction, 'Văn phòng chủ trì, báo cáo trước ngày 30/11.');
    assert.equal((await api.doc('phochutich', id)).id, id);
    assert.ok(await api.task('tp.vp', id, 'coInput'));

    // when the deadline passes (17:00 Vietnam time on 30 November) and the scheduler runs
    clock.set('2026-11-30T10:00:01Z');
    await t.app.get(EngineScheduler).runDue();
    await api.idle();
    // then the document is marked overdue, and the handler still has the task
    const overdue = await api.doc('cv.vp', id);
    assert.equal(overdue.overdue, true);
    assert.ok(await api.task('cv.vp', id, 'handle'));

    const dossier = await t.request('POST', '/api/dossiers', {
      as: 'cv.vp',
      body: { title: 'Hồ sơ báo cáo biên chế năm 2026', notation: '12.VP', retention: '10' },
    });
    assert.equal(dossier.status, 201, JSON.stringify(dossier.body));
    await api.complete('tp.vp', id, 'coInput', { opinion: 'Văn phòng đã tổng hợp số liệu.' });
    assert.equal((await api.doc('cv.vp', id)).status, 'handling');
    await api.complete('cv.vp', id, 'handle', { result: 'Đã báo cáo Bộ Nội vụ.', dossierId: dossier.body.id });
    const filed = await api.doc('cv.vp', id);
    assert.equal(filed.status, 'filed');
    const history = (await t.request('GET', `/api/documents/${id}/history`, { as: 'vanthu' })).body.map(
      (e: { action: string }) => e.action,
    );
    for (const a of ['received', 'checked', 'registered', 'direction', 'overdue', 'input', 'handled', 'done'])
      assert.ok(history.includes(a), `${a} in ${history.join(',')}`);
  });
});
