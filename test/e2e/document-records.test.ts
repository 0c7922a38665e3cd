import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity.js';
import { documentMetadata } from '../../src/modules/dossiers/archive/archival-metadata.js';
import { DossierDocumentSource } from '../../src/modules/dossiers/index.js';
import type { DossierEntity } from '../../src/modules/dossiers/dossier.entity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { receiveIncoming, samplePdf, userId } from './dossiers-support.js';

const LETTER = { senderName: 'Sở Xây dựng', originalNumber: '31/SXD-QH', originalDate: '2026-10-02' };
const dupUrl = (q: Record<string, string>) => `/api/documents/incoming/duplicates?${new URLSearchParams(q)}`;

async function upload(t: TestApp, fields: Record<string, string>, as = 'snv.vanthu') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await samplePdf())], { type: 'application/pdf' }), 'den.pdf');
  for (const [k, v] of Object.entries({ typeCode: 'CV', subject: 'Về việc góp ý quy hoạch', ...fields }))
    form.append(k, v);
  const res = await fetch(`${t.url}/api/documents/incoming`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.token(as)}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as { id: string; duplicates: { id: string }[] } };
}

describe('document records: duplicate warning before registering, later metadata corrections', () => {
  let t: TestApp;
  let firstId = '';

  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('warns of the same sender, number and date before registering, and keeps the reason of a second registration', async () => {
    const none = await t.request('GET', dupUrl(LETTER), { as: 'snv.vanthu' });
    assert.equal(none.status, 200, JSON.stringify(none.body));
    assert.deepEqual(none.body, []);
    const first = await upload(t, LETTER);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    firstId = first.body.id;

    // the sender is matched with or without diacritics and case; the date must match when given
    const hit = await t.request('GET', dupUrl({ ...LETTER, senderName: 'so xay dung' }), { as: 'snv.vanthu' });
    assert.equal(hit.body.length, 1);
    assert.equal(hit.body[0].id, firstId);
    assert.equal(hit.body[0].documentDate, '2026-10-02');
    assert.equal(hit.body[0].subject, 'Về việc góp ý quy hoạch');
    assert.deepEqual(
      (await t.request('GET', dupUrl({ ...LETTER, originalDate: '2026-10-03' }), { as: 'snv.vanthu' })).body,
      [],
    );

    const second = await upload(t, { ...LETTER, duplicateReason: 'Bản gửi lại có bổ sung phụ lục' });
    assert.equal(second.status, 201);
    assert.deepEqual(
      second.body.duplicates.map((d) => d.id),
      [firstId],
    );
    const trail = await t.request('GET', `/api/documents/${second.body.id}/history`, { as: 'snv.vanthu' });
    const ack = trail.body.find((e: { action: string }) => e.action === 'duplicate-acknowledged');
    assert.equal(ack.note, 'Bản gửi lại có bổ sung phụ lục');
    assert.deepEqual(ack.data.duplicateOf, [firstId]);
  });

  it('hostile: the look-up names nothing of another agency or a secret letter, and refuses malformed input', async () => {
    // another agency's clerk asks for the same letter: its own agency never received it
    assert.deepEqual((await t.request('GET', dupUrl(LETTER), { as: 'vanthu' })).body, []);
    // staff cannot register incoming letters, so they cannot probe either
    assert.equal((await t.request('GET', dupUrl(LETTER), { as: 'snv.cv' })).status, 403);
    for (const q of [
      { originalNumber: '1/X' },
      { ...LETTER, originalDate: '02/10/2026' },
      { ...LETTER, originalNumber: 'x'.repeat(43) },
      { ...LETTER, senderName: 'y'.repeat(201) },
      { ...LETTER, extra: '1' },
    ]) {
      const res = await t.request('GET', dupUrl(q as Record<string, string>), { as: 'snv.vanthu' });
      assert.equal(res.status, 400, JSON.stringify(q));
      assert.equal(typeof res.body.code, 'string');
    }
    // a secret letter registered by the clerk: only its readers learn of a duplicate
    const secret = { senderName: 'Công an tỉnh', originalNumber: '7/CAT-PV01', originalDate: '2026-10-01' };
    assert.equal((await upload(t, { ...secret, secrecy: 'confidential' })).status, 201);
    const seen = await t.request('GET', dupUrl(secret), { as: 'snv.vanthu' });
    assert.equal(seen.body.length, 1, 'the registering clerk reads it');
    const db = t.dataSource;
    const [row] = await db.query('SELECT id FROM document WHERE notation = ?', ['7/CAT-PV01']);
    await db.query('DELETE FROM document_reader WHERE document_id = ?', [row.id]);
    assert.deepEqual((await t.request('GET', dupUrl(secret), { as: 'snv.vanthu' })).body, []);
  });

  it('corrects a registered document: old and new values in the trail and the audit log, then in the export', async () => {
    const id = await receiveIncoming(t, 'Về việc cử cán bộ dự tập huấn', { originalNumber: '44/STC-NS' });
    const res = await t.request('PATCH', `/api/documents/${id}/metadata`, {
      as: 'snv.vanthu',
      body: {
        reason: 'Nhập sai tên cơ quan gửi và thiếu ghi chú',
        senderName: 'Sở Tài chính tỉnh Hà Tĩnh',
        description: 'Kèm danh sách 12 cán bộ',
        dueDate: '2026-12-15',
        urgency: 'urgent',
      },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const byField = Object.fromEntries(
      res.body.changes.map((c: { field: string; old: unknown; new: unknown }) => [c.field, c]),
    );
    assert.deepEqual(byField.organName, { field: 'organName', old: 'Sở Tài chính', new: 'Sở Tài chính tỉnh Hà Tĩnh' });
    assert.deepEqual(byField.description, { field: 'description', old: '', new: 'Kèm danh sách 12 cán bộ' });
    assert.equal(byField.dueAt.new, '2026-12-15');
    assert.equal(byField.urgency.old, null);

    const doc = (await t.request('GET', `/api/documents/${id}`, { as: 'snv.cv' })).body;
    assert.equal(doc.urgency, 'urgent');
    const trail = (await t.request('GET', `/api/documents/${id}/history`, { as: 'snv.cv' })).body;
    const corr = trail.find((e: { action: string }) => e.action === 'metadata-corrected');
    assert.equal(corr.note, 'Nhập sai tên cơ quan gửi và thiếu ghi chú');
    assert.equal(corr.data.changes.length, 4);
    const audit = await t.dataSource
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ entityId: id, action: 'document.metadata-corrected' });
    assert.equal((audit.data as { changes: unknown[] }).changes.length, 4);

    // the dossier export and the archive package read the corrected values
    const [filing] = await t.app.get(DossierDocumentSource).getDocuments([id]);
    const meta = documentMetadata(
      { year: 2026, notation: '01.TCCB', rights: 'Hạn chế' } as DossierEntity,
      '000.00.01.H42',
      filing,
      1,
      'Asia/Ho_Chi_Minh',
      [],
    );
    assert.equal(meta.OrganName, 'Sở Tài chính tỉnh Hà Tĩnh');
    assert.equal(meta.Description, 'Kèm danh sách 12 cán bộ');
    assert.equal(meta.DueDate, '2026-12-15');
    assert.equal(meta.Priority, 1);
    assert.equal(meta.CodeNotation, 'STC-NS');
  });

  it('hostile: only a clerk of its agency corrects, only registered documents, only known fields', async () => {
    const id = firstId;
    const body = { reason: 'Sửa trích yếu', subject: 'Về việc góp ý quy hoạch chung' };
    // firstId is registered only once the clerk's register task is done: received is not registered
    assert.equal((await t.request('PATCH', `/api/documents/${id}/metadata`, { as: 'snv.vanthu', body })).status, 409);
    const giamdoc = await userId(t, 'snv.giamdoc');
    const draft = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: { typeCode: 'TB', subject: 'Thông báo lịch họp', signerId: giamdoc, body: 'Nội dung.' },
    });
    assert.equal(draft.status, 201);
    const d = draft.body.id;
    assert.equal((await t.request('PATCH', `/api/documents/${d}/metadata`, { as: 'snv.vanthu', body })).status, 409);

    const reg = await receiveIncoming(t, 'Về việc kiểm tra công vụ', { originalNumber: '45/STC-NS' });
    // another agency's clerk: not found; staff who read it: forbidden
    assert.equal((await t.request('PATCH', `/api/documents/${reg}/metadata`, { as: 'vanthu', body })).status, 404);
    const staff = await t.request('PATCH', `/api/documents/${reg}/metadata`, { as: 'snv.cv', body });
    assert.equal(staff.status, 403);
    assert.equal(staff.body.code, 'CORRECTION_CLERK_ONLY');
    for (const bad of [
      {},
      { subject: 'Không có lý do' },
      { reason: 'x'.repeat(501), subject: 'Dài' },
      { reason: 'Sửa', status: 'done' },
      { reason: 'Sửa', number: '99' },
      { reason: 'Sửa', pageCount: -1 },
      { reason: 'Sửa', dueDate: '31/12/2026' },
      { reason: 'Sửa', subject: 'z'.repeat(501) },
    ]) {
      const res = await t.request('PATCH', `/api/documents/${reg}/metadata`, { as: 'snv.vanthu', body: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
    const same = await t.request('PATCH', `/api/documents/${reg}/metadata`, {
      as: 'snv.vanthu',
      body: { reason: 'Không đổi gì', subject: 'Về việc kiểm tra công vụ' },
    });
    assert.equal(same.status, 400);
    assert.equal(same.body.code, 'CORRECTION_EMPTY');
    assert.equal(
      (await t.request('PATCH', `/api/documents/not-a-uuid/metadata`, { as: 'snv.vanthu', body })).status,
      400,
    );
  });

  it('hostile: a secret document corrected keeps its values out of the audit log', async () => {
    const id = await receiveIncoming(t, 'Về việc bảo vệ bí mật', {
      originalNumber: '9/CAT-PA',
      secrecy: 'confidential',
    });
    const res = await t.request('PATCH', `/api/documents/${id}/metadata`, {
      as: 'snv.vanthu',
      body: { reason: 'Sửa trích yếu', subject: 'Về việc bảo vệ bí mật nhà nước' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const audit = await t.dataSource
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ entityId: id, action: 'document.metadata-corrected' });
    assert.doesNotMatch(JSON.stringify(audit.data), /bảo vệ bí mật/);
    assert.deepEqual((audit.data as { fields: string[] }).fields, ['subject']);
  });
});
