import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { completeTask } from '../support/tasks.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

async function pdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText(text, { x: 72, y: 760, size: 14, font });
  return Buffer.from(await doc.save());
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Issue 22, item 3: the document a leader signs cannot be swapped. A draft version comes only from the drafter
 * or the holder of the drafting / consultation step — a read share never grants writing — and none once
 * review has started (refused: returning the draft to drafting is the way to change it). The signer is shown
 * the reviewed version's hash, and the signature covers exactly that version.
 */
describe('draft versions: who may write them, and none after review', () => {
  let t: TestApp;
  let docId: string;
  let v1: Buffer;
  const upload = async (as: string, content: Buffer, name = 'du-thao.pdf') => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(content)], { type: 'application/pdf' }), name);
    const res = await fetch(`${t.url}/api/documents/${docId}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token(as)}` },
      body: form,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const idOf = async (u: string) => (await t.request('GET', '/api/auth/me', { as: u })).body.id as string;

  before(async () => {
    t = await startTestApp();
    const r = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: { typeCode: 'CV', subject: 'Về việc thử thay dự thảo', signerId: await idOf('snv.giamdoc') },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    docId = r.body.id;
    const share = await t.request('POST', `/api/documents/${docId}/share`, {
      as: 'snv.cv',
      body: { userIds: [await idOf('snv.luutru')] },
    });
    assert.equal(share.status, 201, JSON.stringify(share.body));
  });
  after(() => t?.close());

  it('given a read share, the reader sees the draft but may not upload a version; the drafter may', async () => {
    assert.equal((await t.request('GET', `/api/documents/${docId}`, { as: 'snv.luutru' })).status, 200);
    const shared = await upload('snv.luutru', await pdf('Ban chen cua luu tru'));
    assert.equal(shared.status, 403, JSON.stringify(shared.body));
    assert.equal(shared.body.code, 'DOCUMENT_NOT_DRAFTER');
    // the unit head sees the unit's drafts, and writes none of them either
    assert.equal((await upload('snv.tp', await pdf('Ban cua truong phong'))).status, 403);
    // another agency's user learns nothing
    assert.equal((await upload('thachkim.cv', await pdf('x'))).status, 404);
    v1 = await pdf('Du thao phien ban 1');
    const own = await upload('snv.cv', v1);
    assert.equal(own.status, 201, JSON.stringify(own.body));
    assert.equal(own.body.sha256, sha(v1));
  });

  it('given review started, no version is accepted, from the drafter or anyone else', async () => {
    await completeTask(t, 'snv.cv', docId, 'draft');
    for (const as of ['snv.cv', 'snv.luutru', 'snv.tp']) {
      const r = await upload(as, await pdf(`Ban thay the ${as}`));
      assert.equal(r.status, 409, `${as}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, 'DOCUMENT_VERSION_AFTER_REVIEW');
    }
  });

  it('the signer is shown the reviewed version, and the signature covers exactly it', async () => {
    await completeTask(t, 'snv.tp', docId, 'review', { decision: 'approve' });
    await completeTask(t, 'snv.vanthu', docId, 'formatCheck', { decision: 'approve' });
    const d = (await t.request('GET', `/api/documents/${docId}`, { as: 'snv.giamdoc' })).body;
    assert.deepEqual(
      { version: d.reviewedDraft.version, sha256: d.reviewedDraft.sha256 },
      { version: 1, sha256: sha(v1) },
    );
    assert.equal((await upload('snv.cv', await pdf('Ban doi luc ky'))).status, 409);
    await completeTask(t, 'snv.giamdoc', docId, 'sign', { decision: 'approve', pin: 'hoso-demo' });
    const history = (await t.request('GET', `/api/documents/${docId}/history`, { as: 'snv.giamdoc' })).body;
    const signed = (history.items ?? history).find((e: { action: string }) => e.action === 'signed');
    assert.ok(signed, JSON.stringify(history).slice(0, 400));
    assert.equal(signed.data.reviewedDraftSha256, sha(v1));
    // the signed PDF is the reviewed one with the signature appended (an incremental update of v1's bytes)
    const res = await fetch(`${t.url}/api/documents/${docId}/pdf`, {
      headers: { authorization: `Bearer ${await t.token('snv.giamdoc')}` },
    });
    const signedPdf = Buffer.from(await res.arrayBuffer());
    assert.ok(signedPdf.subarray(0, v1.length).equals(v1), 'the signature covers exactly the reviewed version');
  });
});
