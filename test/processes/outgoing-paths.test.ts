import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { docsApi } from '../e2e/documents.helpers.js';

/** processes/outgoing-document.bpmn on the embedded engine with the real workers: the paths not in the e2e journeys. */
describe('outgoing-document.bpmn paths', () => {
  let t: TestApp;
  let api: ReturnType<typeof docsApi>;
  before(async () => {
    t = await startTestApp();
    api = docsApi(t);
  });
  after(() => t.close());

  const create = async (extra: Record<string, unknown> = {}) => {
    const giamdoc = await api.me('snv.giamdoc');
    const res = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: {
        typeCode: 'TB',
        subject: 'Thông báo lịch trực cơ quan',
        body: 'Lịch trực tháng 12.',
        signerId: giamdoc.id,
        ...extra,
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };

  it('format check returns the draft to the drafter', async () => {
    const id = await create();
    await api.complete('snv.cv', id, 'draft');
    await api.complete('snv.tp', id, 'review', { decision: 'approve' });
    await api.complete('snv.vanthu', id, 'formatCheck', { decision: 'return', comment: 'Sai thể thức trích yếu.' });
    assert.equal((await api.doc('snv.cv', id)).status, 'drafting');
    assert.ok(await api.task('snv.cv', id, 'draft'));
  });

  it('with a dossier: issued, filed into the dossier by dossiers.file-document, status filed', async () => {
    const dossier = await t.request('POST', '/api/dossiers', {
      as: 'snv.cv',
      body: { title: 'Hồ sơ lịch trực cơ quan năm 2026', notation: '09.VP', retention: '5' },
    });
    assert.equal(dossier.status, 201, JSON.stringify(dossier.body));
    const id = await create({ dossierId: dossier.body.id });
    await api.complete('snv.cv', id, 'draft');
    await api.complete('snv.tp', id, 'review', { decision: 'approve' });
    await api.complete('snv.vanthu', id, 'formatCheck', { decision: 'approve' });
    await api.complete('snv.giamdoc', id, 'sign', { decision: 'approve', pin: DEMO_PASSWORD });
    await api.complete('snv.vanthu', id, 'agencySign', {});
    const d = await api.doc('snv.cv', id);
    assert.equal(d.status, 'filed');
    assert.equal(d.notation, '01/TB-SNV');
    assert.deepEqual(d.dossierIds, [dossier.body.id]);
    const filed = await t.request('GET', `/api/dossiers/${dossier.body.id}`, { as: 'snv.cv' });
    assert.equal(filed.status, 200);
    assert.ok(
      filed.body.items.some((i: { documentId: string }) => i.documentId === id),
      JSON.stringify(filed.body),
    );
  });

  it('a legal normative decision and a secret document use their own series', async () => {
    const giamdoc = await api.me('snv.giamdoc');
    const ids: string[] = [];
    for (const extra of [
      { typeCode: 'QĐ', legalNormative: true },
      { typeCode: 'BC', secrecy: 'confidential' },
    ]) {
      const res = await t.request('POST', '/api/documents/outgoing', {
        as: 'snv.cv',
        body: { subject: 'Về việc ban hành quy định', body: 'Nội dung.', signerId: giamdoc.id, ...extra },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.id);
    }
    for (const id of ids) {
      await api.complete('snv.cv', id, 'draft');
      await api.complete('snv.tp', id, 'review', { decision: 'approve' });
      await api.complete('snv.vanthu', id, 'formatCheck', { decision: 'approve' });
      await api.complete('snv.giamdoc', id, 'sign', { decision: 'approve', pin: DEMO_PASSWORD });
    }
    assert.equal((await api.doc('snv.cv', ids[0])).notation, '01/QĐ-SNV');
    assert.equal((await api.doc('snv.cv', ids[1])).notation, '01/BC-SNV');
    const regs = (await t.request('GET', '/api/registers?direction=outgoing', { as: 'snv.vanthu' })).body;
    assert.ok(regs.some((r: { series: string }) => r.series === 'legal:QĐ'));
    assert.ok(regs.some((r: { series: string }) => r.series === 'secret'));
    // staff never see the secret register
    assert.equal(
      (await t.request('GET', '/api/registers', { as: 'snv.luutru' })).body.some(
        (r: { series: string }) => r.series === 'secret',
      ),
      false,
    );
  });
});
