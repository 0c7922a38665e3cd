import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { PDFSIG, pdfsig, pdfsigBlocks, PDFTOTEXT, pdftotext } from '../signing/pdf-fixtures.js';
import { receiveIncoming } from './dossiers-support.js';

const bytes = async (t: TestApp, path: string, as: string) => {
  const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${await t.token(as)}` } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
};

describe('electronic copies: sao y, sao lục, trích sao signed by the agency, numbered in the copies register', () => {
  let t: TestApp;
  let original = '';

  before(async () => {
    t = await startTestApp();
    original = await receiveIncoming(t, 'Về việc cử cán bộ đi học', { originalNumber: '52/STC-NS' });
  });
  after(() => t.close());

  it('makes a sao y: a new PDF with the form heading, the agency signature and its own number, linked to the original', async () => {
    const res = await t.request('POST', `/api/documents/${original}/copies`, {
      as: 'snv.vanthu',
      body: { form: 'sao-y', recipients: 'Phòng TCCB' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.notation, '01/SY');
    assert.equal(res.body.originalId, original);
    const second = await t.request('POST', `/api/documents/${original}/copies`, {
      as: 'snv.vanthu',
      body: { form: 'trich-sao', pages: '1' },
    });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.body.notation, '02/TS', 'one register for every copy form');

    const pdf = await bytes(t, `/api/document-copies/${res.body.id}/pdf`, 'snv.cv');
    assert.equal(pdf.status, 200);
    const doc = await PDFDocument.load(pdf.body);
    const orig = await bytes(t, `/api/documents/${original}/pdf`, 'snv.cv');
    assert.equal(doc.getPageCount(), (await PDFDocument.load(orig.body)).getPageCount());
    if (PDFTOTEXT) {
      const text = pdftotext(pdf.body, 1);
      assert.match(text, /SAO Y/);
      assert.match(text, /SỞ NỘI VỤ/);
    }
    if (PDFSIG) {
      const blocks = pdfsigBlocks(pdfsig(pdf.body));
      const agency = blocks.at(-1)!;
      assert.match(agency, /Signature Validation: Signature is Valid/);
      assert.match(agency, /Total document signed/);
    }

    const list = await t.request('GET', `/api/documents/${original}/copies`, { as: 'snv.cv' });
    assert.deepEqual(
      list.body.map((c: { notation: string }) => c.notation),
      ['01/SY', '02/TS'],
    );
    const trail = await t.request('GET', `/api/documents/${original}/history`, { as: 'snv.cv' });
    assert.ok(trail.body.some((e: { action: string; note: string }) => e.action === 'copied' && /01\/SY/.test(e.note)));
    // the copies register lists them with their own numbers
    const regs = await t.request('GET', '/api/registers?direction=outgoing', { as: 'snv.vanthu' });
    const reg = regs.body.find((r: { series: string }) => r.series === 'copies');
    assert.ok(reg, JSON.stringify(regs.body));
    assert.equal(reg.lastNumber, 2);
    assert.match(reg.name, /Sổ đăng ký bản sao văn bản/);
  });

  it('hostile: only the clerk of its agency copies; secret originals keep their copies; malformed input refused', async () => {
    const post = (as: string, body: unknown, id = original) =>
      t.request('POST', `/api/documents/${id}/copies`, { as, body });
    assert.equal((await post('vanthu', { form: 'sao-y' })).status, 404, 'another agency');
    assert.equal((await post('snv.cv', { form: 'sao-y' })).status, 403, 'staff');
    for (const body of [
      {},
      { form: 'ban-chup' },
      { form: 'trich-sao' },
      { form: 'trich-sao', pages: '9' },
      { form: 'trich-sao', pages: '2-1' },
      { form: 'trich-sao', pages: 'a' },
      { form: 'sao-y', recipients: 'x'.repeat(501) },
      { form: 'sao-y', extra: 1 },
    ]) {
      const res = await post('snv.vanthu', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(typeof res.body.code, 'string');
    }
    assert.equal((await post('snv.vanthu', { form: 'sao-y' }, 'nope')).status, 400);
    // an unregistered letter has nothing to copy yet
    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array((await bytes(t, `/api/documents/${original}/pdf`, 'snv.vanthu')).body)], {
        type: 'application/pdf',
      }),
      'x.pdf',
    );
    for (const [k, v] of Object.entries({
      senderName: 'Sở Y tế',
      originalNumber: '1/SYT',
      originalDate: '2026-11-01',
      typeCode: 'CV',
      subject: 'Chưa vào sổ',
    }))
      form.append(k, v);
    const fresh = await fetch(`${t.url}/api/documents/incoming`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('snv.vanthu')}` },
      body: form,
    });
    const freshId = ((await fresh.json()) as { id: string }).id;
    assert.equal((await post('snv.vanthu', { form: 'sao-y' }, freshId)).status, 409);

    // a secret original: its copy is read by its readers only
    const secret = await receiveIncoming(t, 'Về việc bảo vệ bí mật', {
      originalNumber: '8/CAT',
      secrecy: 'confidential',
    });
    const copy = await post('snv.vanthu', { form: 'sao-luc' }, secret);
    assert.equal(copy.status, 201, JSON.stringify(copy.body));
    assert.equal(copy.body.notation.endsWith('/SL'), true);
    assert.equal((await bytes(t, `/api/document-copies/${copy.body.id}/pdf`, 'snv.vanthu')).status, 200);
    assert.equal((await bytes(t, `/api/document-copies/${copy.body.id}/pdf`, 'snv.cv2')).status, 404);
    assert.equal((await bytes(t, `/api/document-copies/${copy.body.id}/pdf`, 'vanthu')).status, 404);
    assert.equal((await t.request('GET', `/api/documents/${secret}/copies`, { as: 'snv.cv2' })).status, 404);
    assert.equal(
      (await bytes(t, `/api/document-copies/00000000-0000-4000-8000-000000000000/pdf`, 'snv.vanthu')).status,
      404,
    );
  });
});
