import assert from 'node:assert/strict';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { TestApp } from '../support/test-app.js';
import { completeTask, findTask } from '../support/tasks.js';

/**
 * "Given" steps of the browser journeys, done through the public API as the other actors would do them in
 * their own browsers. The step under test is always done in the page.
 */
export async function userId(app: TestApp, username: string): Promise<string> {
  const r = await app.request('GET', '/api/auth/me', { as: username });
  assert.equal(r.status, 200);
  return r.body.id;
}

export async function samplePdf(title = 'Công văn đến'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText(title.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D'), {
    x: 72,
    y: 760,
    size: 16,
    font,
  });
  return Buffer.from(await doc.save());
}

export async function createOutgoing(app: TestApp, as: string, subject: string, extra: Record<string, unknown> = {}) {
  const r = await app.request('POST', '/api/documents/outgoing', {
    as,
    body: { typeCode: 'CV', subject, body: 'Nội dung thử nghiệm.', signerId: await userId(app, 'chutich'), ...extra },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as { id: string; processInstanceId: string };
}

export async function createIncoming(app: TestApp, as: string, subject: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await samplePdf())], { type: 'application/pdf' }), 'den.pdf');
  for (const [k, v] of Object.entries({
    senderName: 'Sở Tài chính',
    originalNumber: '12/STC-NS',
    originalDate: '2026-11-20',
    typeCode: 'CV',
    subject,
  }))
    form.append(k, v);
  const res = await fetch(`${app.url}/api/documents/incoming`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await app.token(as)}` },
    body: form,
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body as { id: string; processInstanceId: string };
}

export { completeTask, findTask };

export async function documentStatus(app: TestApp, as: string, id: string, want: string): Promise<Record<string, any>> {
  let last: Record<string, any> = {};
  for (let i = 0; i < 100; i++) {
    last = (await app.request('GET', `/api/documents/${id}`, { as })).body;
    if (last.status === want) return last;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail(`document ${id} status ${last.status}, expected ${want}`);
}

/** Outgoing document taken through draft, review and format check: it waits for the signer. */
export async function outgoingAwaitingSignature(app: TestApp, subject: string) {
  const doc = await createOutgoing(app, 'cv.vp', subject);
  await completeTask(app, 'cv.vp', doc.id, 'draft');
  await completeTask(app, 'tp.vp', doc.id, 'review', { decision: 'approve' });
  await completeTask(app, 'vanthu', doc.id, 'formatCheck', { decision: 'approve' });
  return doc;
}
