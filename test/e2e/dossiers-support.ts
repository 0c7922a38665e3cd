import assert from 'node:assert/strict';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { TestApp } from '../support/test-app.js';
import { completeTask, findTask } from '../support/tasks.js';

/** Steps of other actors done through the public API (documents and their processes), for dossier tests. */
export async function userId(t: TestApp, username: string): Promise<string> {
  const r = await t.request('GET', '/api/auth/me', { as: username });
  assert.equal(r.status, 200);
  return r.body.id;
}

export async function samplePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText('Cong van den', { x: 72, y: 760, size: 16, font });
  return Buffer.from(await doc.save());
}

export { completeTask, findTask };

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (v) return v;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** An outgoing document of SNV, drafted by staff of TCCB for the dossier, through signing and issuance. */
export async function issueOutgoing(t: TestApp, subject: string, dossierId: string | undefined) {
  const id = await draftOutgoing(t, subject, dossierId);
  await completeOutgoing(t, id);
  return id;
}

/** An outgoing document of SNV drafted by staff of TCCB for the dossier (its flow started, the draft open). */
export async function draftOutgoing(t: TestApp, subject: string, dossierId: string | undefined) {
  const r = await t.request('POST', '/api/documents/outgoing', {
    as: 'snv.cv',
    body: { typeCode: 'CV', subject, body: 'Nội dung.', signerId: await userId(t, 'snv.giamdoc'), dossierId },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}

/** Its flow from the draft through review, format check, signing and the agency signature to issuance. */
export async function completeOutgoing(t: TestApp, id: string) {
  await completeTask(t, 'snv.cv', id, 'draft');
  await completeTask(t, 'snv.tp', id, 'review', { decision: 'approve' });
  await completeTask(t, 'snv.vanthu', id, 'formatCheck', { decision: 'approve' });
  await completeTask(t, 'snv.giamdoc', id, 'sign', { decision: 'approve', pin: 'hoso-demo' });
  await completeTask(t, 'snv.vanthu', id, 'agencySign', { pin: 'hoso-demo' });
}

/** An incoming document registered by the clerk, directed by the leader, handled by staff into the dossier. */
export async function handleIncoming(t: TestApp, subject: string, dossierId: string) {
  const id = await receiveIncoming(t, subject);
  await completeTask(t, 'snv.cv', id, 'handle', { result: 'Đã xử lý', dossierId });
  return id;
}

/** An incoming document registered by the clerk and directed by the leader to snv.cv, whose handling is open. */
export async function receiveIncoming(t: TestApp, subject: string, extra: Record<string, string> = {}) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await samplePdf())], { type: 'application/pdf' }), 'den.pdf');
  for (const [k, v] of Object.entries({
    senderName: 'Sở Tài chính',
    originalNumber: '12/STC-NS',
    originalDate: '2026-11-20',
    typeCode: 'CV',
    subject,
    ...extra,
  }))
    form.append(k, v);
  const res = await fetch(`${t.url}/api/documents/incoming`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.token('snv.vanthu')}` },
    body: form,
  });
  const body = (await res.json()) as { id: string };
  assert.equal(res.status, 201, JSON.stringify(body));
  const id = body.id;
  await completeTask(t, 'snv.vanthu', id, 'register');
  await completeTask(t, 'snv.giamdoc', id, 'direct', { mainHandlerId: await userId(t, 'snv.cv') });
  return id;
}

/** A file plan the way clerks keep it: heading rows, sub-heading rows, then entries (appendix V §I). */
export const PLAN_CSV = [
  'Số và ký hiệu hồ sơ,Tên đề mục và tiêu đề hồ sơ,Thời hạn bảo quản,Đơn vị/người lập hồ sơ,Ghi chú',
  '(1),(2),(3),(4),(5)',
  ',I. TỔ CHỨC CÁN BỘ (TCCB),,,',
  ',1. Tuyển dụng,,,',
  '01.TCCB,Hồ sơ tuyển dụng công chức năm 2026,Vĩnh viễn,TCCB,',
  '02.TCCB,"Kế hoạch, báo cáo tuyển dụng",10 năm,snv.cv,',
  ',2. Đào tạo,,,',
  '03.TCCB,Hồ sơ cử công chức đi đào tạo,20,TCCB,Ghi chú thử',
  ',II. VĂN PHÒNG (VP),,,',
  '01.VP,Tập lưu văn bản đi của Sở,Vĩnh viễn,VP,',
  '02.VP,Hồ sơ hội nghị tổng kết năm,10 năm,VP,',
].join('\n');
