import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { DEMO_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import {
  PDFFONTS,
  pdffonts,
  PDFSIG,
  pdfsig,
  pdfaProblems,
  pdfsigBlocks,
  PDFTOTEXT,
  pdftotext,
  QPDF,
  qpdfCheck,
} from '../signing/pdf-fixtures.js';
import { docsApi } from './documents.helpers.js';

const skipPdftotext = PDFTOTEXT ? false : 'pdftotext missing (poppler-utils)';
const skipPdfsig = PDFSIG ? false : 'pdfsig missing';

/**
 * Issue 5 acceptance: an outgoing decision of Sở Nội vụ goes from draft to issued through the public API, with
 * consultation, unit review, format check, signing and the agency signature; UBND tỉnh receives it internally,
 * registers it, the chairman directs it and the office handles it to done — visible to the sender.
 */
describe('documents journey: outgoing issued with 01/…, incoming at the recipient handled to done', () => {
  let t: TestApp;
  let api: ReturnType<typeof docsApi>;
  let issuedPdf: Buffer | undefined;
  before(async () => {
    t = await startTestApp();
    api = docsApi(t);
  });
  after(() => t.close());

  it('drafts, consults, reviews, checks, signs, numbers, agency-signs and issues; the recipient handles it', async () => {
    const giamdoc = await api.me('snv.giamdoc');
    const cv2 = await api.me('snv.cv2');
    const ubnd = await api.me('chutich');
    // given a draft decision by snv.cv with one consultee, signed by the director, addressed to UBND tỉnh
    const created = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: {
        typeCode: 'QĐ',
        subject: 'Về việc cử cán bộ tham gia lớp bồi dưỡng kiến thức quản lý nhà nước',
        body: 'Căn cứ Luật Cán bộ, công chức;\nTheo đề nghị của Trưởng phòng Tổ chức cán bộ.\nĐiều 1. Cử bà Phan Thị Ngọc Ánh tham gia lớp bồi dưỡng.\nĐiều 2. Quyết định có hiệu lực kể từ ngày ký.',
        signerId: giamdoc.id,
        consulteeIds: [cv2.id],
        recipientAgencyIds: [ubnd.agencyId],
        urgency: 'urgent',
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    assert.ok(created.body.processInstanceId);
    assert.equal((await api.doc('snv.cv', id)).status, 'drafting');

    // when every participant does their step
    await api.complete('snv.cv', id, 'draft', { comment: 'Kính trình' });
    assert.equal((await api.doc('snv.cv', id)).status, 'consulting');
    await api.complete('snv.cv2', id, 'consult', { opinion: 'Nhất trí với dự thảo.' });
    assert.equal((await api.doc('snv.cv', id)).status, 'reviewing');
    await api.complete('snv.tp', id, 'review', { decision: 'approve', comment: 'Đồng ý' });
    await api.complete('snv.vanthu', id, 'formatCheck', { decision: 'approve' });
    assert.equal((await api.doc('snv.cv', id)).status, 'signing');
    const wrongPin = await api.task('snv.giamdoc', id, 'sign');
    const refused = await t.request('POST', `/api/tasks/${wrongPin!.id}/complete`, {
      as: 'snv.giamdoc',
      body: { variables: { decision: 'approve', pin: 'sai-ma-pin' } },
    });
    assert.ok(refused.status >= 400 && refused.status < 500, JSON.stringify(refused.body));
    assert.equal((await api.doc('snv.cv', id)).status, 'signing');
    await api.complete('snv.giamdoc', id, 'sign', { decision: 'approve', pin: DEMO_PASSWORD });
    const numbered = await api.doc('snv.cv', id);
    assert.equal(numbered.status, 'issuing');
    assert.equal(numbered.notation, '01/QĐ-SNV');
    await api.complete('snv.vanthu', id, 'agencySign', { pin: DEMO_PASSWORD });

    // then the document is issued with number 01, a PDF that opens and carries both signatures
    const issued = await api.doc('snv.cv', id);
    assert.equal(issued.status, 'issued');
    assert.equal(issued.number, '01');
    assert.match(issued.notation, /^01\//);
    assert.ok(issued.issuedAt);
    const pdf = await api.bytes('snv.cv', `/api/documents/${id}/pdf`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.type, 'application/pdf');
    const loaded = await PDFDocument.load(pdf.body, { ignoreEncryption: true });
    assert.ok(loaded.getPageCount() >= 1);
    const sigs = await t.request('GET', `/api/documents/${id}/signatures`, { as: 'snv.cv' });
    assert.equal(sigs.status, 200);
    assert.equal(sigs.body.length, 2, JSON.stringify(sigs.body));
    assert.ok(
      sigs.body.every((s: { valid: boolean }) => s.valid),
      JSON.stringify(sigs.body),
    );
    assert.equal(sigs.body[0].signer, 'Đặng Quốc Khánh');
    issuedPdf = pdf.body;

    // and an entry in the outgoing register
    const registers = await t.request('GET', '/api/registers?direction=outgoing', { as: 'snv.vanthu' });
    const reg = registers.body.find((r: { series: string }) => r.series === 'administrative');
    const entries = await t.request('GET', `/api/registers/${reg.id}/entries`, { as: 'snv.vanthu' });
    assert.equal(entries.body.items.length, 1);
    assert.equal(entries.body.items[0].columns.numberNotation, '01/QĐ-SNV');
    assert.equal(entries.body.items[0].documentId, id);

    // and the trail keeps every step
    const history = (await t.request('GET', `/api/documents/${id}/history`, { as: 'snv.cv' })).body.map(
      (e: { action: string }) => e.action,
    );
    for (const a of [
      'created',
      'submitted',
      'opinion',
      'review-approved',
      'format-check-approved',
      'signed',
      'numbered',
      'agency-signed',
      'issued',
    ])
      assert.ok(history.includes(a), `${a} in ${history.join(',')}`);

    // the recipient agency received it as an incoming document
    const recipients = await t.request('GET', `/api/documents/${id}/recipients`, { as: 'snv.cv' });
    assert.equal(recipients.status, 200);
    assert.equal(recipients.body.length, 1);
    const incomingId = recipients.body[0].incomingDocumentId as string;
    assert.ok(incomingId);
    await api.idle();
    const received = await api.doc('vanthu', incomingId);
    assert.equal(received.direction, 'incoming');
    assert.equal(received.notation, '01/QĐ-SNV');
    assert.equal(received.organName, 'Sở Nội vụ');
    assert.equal((await api.bytes('vanthu', `/api/documents/${incomingId}/pdf`)).body.length, pdf.body.length);

    // UBND: the clerk registers, the chairman directs, the office handles
    await api.complete('vanthu', incomingId, 'register', { comment: 'Đã kiểm tra' });
    const registered = await api.doc('vanthu', incomingId);
    assert.equal(registered.arrivalNumber, 1);
    assert.equal(registered.status, 'directing');
    const cvvp = await api.me('cv.vp');
    await api.complete('chutich', incomingId, 'direct', {
      mainHandlerId: cvvp.id,
      dueDate: '2026-12-31',
      instruction: 'Giao Văn phòng theo dõi, tham mưu.',
    });
    assert.equal((await api.doc('cv.vp', incomingId)).status, 'handling');
    const handleTask = await api.task('cv.vp', incomingId, 'handle');
    assert.ok(handleTask?.dueAt?.startsWith('2026-12-31'));
    await api.complete('cv.vp', incomingId, 'handle', { result: 'Đã cử cán bộ theo dõi.' });
    const done = await api.doc('cv.vp', incomingId);
    assert.equal(done.status, 'done');

    // the sender sees the receiver's processing status
    const after = await t.request('GET', `/api/documents/${id}/recipients`, { as: 'snv.cv' });
    assert.equal(after.body[0].status, 'done');
    assert.equal(after.body[0].arrivalNumber, 1);
    const inReg = await t.request('GET', '/api/registers?direction=incoming', { as: 'vanthu' });
    const incomingReg = inReg.body.find((r: { series: string }) => r.series === 'incoming');
    const inEntries = await t.request('GET', `/api/registers/${incomingReg.id}/entries`, { as: 'vanthu' });
    assert.equal(inEntries.body.items[0].columns.author, 'Sở Nội vụ');
    assert.match(inEntries.body.items[0].columns.receiver, /Hoàng Minh Đức/);
  });

  it('the issued PDF shows its number 01 in "Số:" on page 1 (pdftotext)', { skip: skipPdftotext }, () => {
    // Decree 30/2020, art. 15: the number taken after signing is written by the agency signature's widget.
    assert.ok(issuedPdf, 'issued PDF from the journey');
    assert.match(pdftotext(issuedPdf, 1), /\b01\b/);
  });

  it('poppler pdfsig reports both signatures of the issued PDF valid', { skip: skipPdfsig }, () => {
    assert.ok(issuedPdf, 'issued PDF from the journey');
    const out = pdfsig(issuedPdf);
    const blocks = pdfsigBlocks(out);
    assert.equal(blocks.length, 2, out);
    for (const b of blocks) assert.match(b, /Signature is Valid/, out);
  });

  it("hoso's own modification check finds only allowed changes after each signature (POST /api/signatures/verify)", async () => {
    assert.ok(issuedPdf, 'issued PDF from the journey');
    const form = new FormData();
    form.append('file', new Blob([issuedPdf]), 'issued.pdf');
    const res = await fetch(`${t.url}/api/signatures/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('snv.cv')}` },
      body: form,
    });
    assert.equal(res.status, 200);
    const sigs = (await res.json()) as {
      valid: boolean;
      changesAllowed: boolean;
      docMdp: number | null;
      changesAfterSigning: { kind: string; allowed: boolean }[];
    }[];
    assert.equal(sigs.length, 2);
    for (const s of sigs) {
      assert.equal(s.valid, true, JSON.stringify(s));
      assert.equal(s.changesAllowed, true, JSON.stringify(s.changesAfterSigning));
    }
    // the leader certified the draft with form filling allowed; the clerk's update filled the number and signed
    assert.equal(sigs[0].docMdp, 2);
    assert.deepEqual(sigs[0].changesAfterSigning.map((c) => c.kind).sort(), ['form-fill', 'signature-field']);
  });

  it(
    'qpdf --check is clean and pdffonts shows every font embedded, subset, with a text mapping',
    { skip: !PDFFONTS || !QPDF ? 'pdffonts/qpdf missing' : false },
    async () => {
      assert.ok(issuedPdf, 'issued PDF from the journey');
      const q = qpdfCheck(issuedPdf);
      assert.ok(q.ok, q.out);
      const fonts = pdffonts(issuedPdf);
      assert.ok(fonts.length > 0);
      for (const f of fonts) assert.deepEqual([f.name, f.emb, f.sub, f.uni], [f.name, true, true, true]);
      assert.deepEqual(await pdfaProblems(issuedPdf), []);
    },
  );
});
