import assert from 'node:assert/strict';
import { METADATA_XSD } from '../../src/modules/dossiers/archive/metadata-schema.js';
import { validateXml, XMLLINT } from '../support/xmllint.js';
import { after, before, describe, it } from 'node:test';
import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity.js';
import { readZip, writeZip } from '../../src/modules/dossiers/archive/zip.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { findTask, handleIncoming, issueOutgoing, PLAN_CSV, receiveIncoming, waitFor } from './dossiers-support.js';

const YEAR = new Date().getFullYear();

describe('dossiers: from the file plan to the agency archive', () => {
  let t: TestApp;
  let dossierId = '';
  let code = '';
  let transferId = '';
  const docIds: string[] = [];

  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const getDossier = async (as = 'snv.cv') => (await t.request('GET', `/api/dossiers/${dossierId}`, { as })).body;

  it('given an imported and approved file plan, staff open a dossier from an entry', async () => {
    const imp = await t.request('POST', `/api/file-plans/${YEAR}/import`, {
      as: 'snv.vanthu',
      raw: PLAN_CSV,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(imp.status, 201, JSON.stringify(imp.body));
    assert.equal((await t.request('POST', `/api/file-plans/${YEAR}/approve`, { as: 'snv.giamdoc' })).status, 201);
    const plan = (await t.request('GET', `/api/file-plans/${YEAR}`, { as: 'snv.cv' })).body;
    const entry = plan.entries.find((e: { notation: string }) => e.notation === '01.TCCB');
    const res = await t.request('POST', '/api/dossiers', { as: 'snv.cv', body: { filePlanEntryId: entry.id } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    dossierId = res.body.id;
    code = res.body.code;
    const me = (await t.request('GET', '/api/auth/me', { as: 'snv.cv' })).body;
    const agency = (await t.request('GET', `/api/agencies/${me.agencyId}`, { as: 'snv.cv' })).body;
    assert.equal(code, `${agency.organId}.${YEAR}.01.TCCB`);
    const d = await getDossier();
    assert.equal(d.state, 'open');
    assert.equal(d.retention, 'Vĩnh viễn');
    assert.equal(d.metadata.FileCode.FileNotation, '01.TCCB');
    assert.equal(d.metadata.Creator, me.fullName.slice(0, 30));
    // the plan shows which entries have their dossier
    const after = (await t.request('GET', `/api/file-plans/${YEAR}`, { as: 'snv.vanthu' })).body;
    const opened = after.entries
      .filter((e: { opened: boolean }) => e.opened)
      .map((e: { notation: string }) => e.notation);
    assert.deepEqual(opened, ['01.TCCB']);
    // the same entry cannot give a second dossier with the same code
    assert.equal(
      (await t.request('POST', '/api/dossiers', { as: 'snv.cv', body: { filePlanEntryId: entry.id } })).status,
      409,
    );
    // visibility: another agency gets 404, the agency's clerk and leader see it
    assert.equal((await t.request('GET', `/api/dossiers/${dossierId}`, { as: 'thachkim.vanthu' })).status, 404);
    assert.equal((await t.request('GET', `/api/dossiers/${dossierId}`, { as: 'snv.giamdoc' })).status, 200);
    assert.equal((await t.request('GET', `/api/dossiers/${dossierId}`, { as: 'snv.cv2' })).status, 404);
  });

  it('files two outgoing documents automatically at the end of their process', async () => {
    docIds.push(await issueOutgoing(t, 'Về việc tuyển dụng công chức', dossierId));
    docIds.push(await issueOutgoing(t, 'Về việc thông báo kết quả tuyển dụng', dossierId));
    const d = await waitFor('two filed documents', async () => {
      const x = await getDossier();
      return x.items.length === 2 ? x : undefined;
    });
    assert.deepEqual(
      d.items.map((i: { order: number }) => i.order),
      [1, 2],
    );
    assert.deepEqual(new Set(d.items.map((i: { documentId: string }) => i.documentId)), new Set(docIds));
    assert.equal(d.docTotal, 2);
    // each listed as it will be in the document index: number and notation, date, subject
    const first = d.items.find((i: { documentId: string }) => i.documentId === docIds[0]);
    const doc = (await t.request('GET', `/api/documents/${docIds[0]}`, { as: 'snv.cv' })).body;
    assert.equal(first.subject, 'Về việc tuyển dụng công chức');
    assert.equal(first.notation, doc.notation);
    assert.equal(first.number, doc.number);
    assert.equal(first.documentDate, doc.documentDate);
    assert.equal(first.direction, 'outgoing');
    const listed = (await t.request('GET', `/api/dossiers?documentId=${docIds[0]}`, { as: 'snv.cv' })).body;
    assert.deepEqual(
      listed.map((x: { id: string }) => x.id),
      [dossierId],
    );
  });

  it('files an incoming document into the dossier chosen by the handler', async () => {
    const id = await handleIncoming(t, 'Về kinh phí tuyển dụng', dossierId);
    const d = await waitFor('the incoming document filed', async () => {
      const x = await getDossier();
      return x.items.some((i: { documentId: string }) => i.documentId === id) ? x : undefined;
    });
    docIds.push(id);
    assert.equal(d.items.find((i: { documentId: string }) => i.documentId === id).order, 3);
  });

  it("refuses, at the handler's completion, a dossier the handler may not choose; the task stays open", async () => {
    const other = await t.request('POST', '/api/dossiers', {
      as: 'snv.cv2',
      body: { title: 'Hồ sơ riêng của chuyên viên khác', notation: '91.TCCB', retention: '10 năm' },
    });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    const complete = async (docId: string, dossier: string) => {
      const task = await findTask(t, 'snv.cv', docId, 'handle');
      const body = { variables: { result: 'Đã xử lý', dossierId: dossier } };
      return t.request('POST', `/api/tasks/${task.id}/complete`, { as: 'snv.cv', body });
    };
    const id = await receiveIncoming(t, 'Về việc bổ sung hồ sơ tuyển dụng');
    // a dossier of the agency that the handler does not see, and an id that names none
    assert.equal((await complete(id, other.body.id)).status, 404);
    assert.equal((await complete(id, '00000000-0000-4000-8000-000000000000')).status, 404);
    // a secret document into an ordinary dossier
    const secret = await receiveIncoming(t, 'Về việc tuyển dụng (mật)', { secrecy: 'confidential' });
    const low = await complete(secret, dossierId);
    assert.equal(low.status, 409, JSON.stringify(low.body));
    assert.equal(low.body.code, 'DOSSIER_SECRECY_TOO_LOW');
    // the tasks are still open, and a right choice completes them
    assert.equal((await complete(id, dossierId)).status, 200);
    assert.equal((await complete(secret, '')).status, 200);
    await waitFor('the incoming document filed', async () =>
      (await getDossier()).items.some((i: { documentId: string }) => i.documentId === id),
    );
    docIds.push(id);
    const skipped = await t.dataSource
      .getRepository(AuditEventEntity)
      .countBy({ entityId: dossierId, action: 'dossier.filing-skipped' });
    assert.equal(skipped, 0, 'nothing was refused only at filing');
  });

  it('closes the dossier: document index, dates and totals computed, then read-only', async () => {
    const res = await t.request('POST', `/api/dossiers/${dossierId}/close`, { as: 'snv.cv' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.state, 'closed');
    const n = res.body.items.length;
    assert.ok(n >= 2);
    assert.equal(res.body.documentIndex.length, n);
    assert.deepEqual(
      res.body.documentIndex.map((l: { ordinal: number }) => l.ordinal),
      Array.from({ length: n }, (_, i) => i + 1),
    );
    assert.ok(res.body.metadata.StartDate && res.body.metadata.EndDate);
    assert.ok(res.body.transferDueAt);
    const edit = await t.request('PATCH', `/api/dossiers/${dossierId}`, { as: 'snv.cv', body: { title: 'Đổi tên' } });
    assert.equal(edit.status, 409);
    const note = await t.request('PATCH', `/api/dossiers/${dossierId}`, {
      as: 'snv.cv',
      body: { description: 'Đã rà soát', rights: 'Công khai' },
    });
    assert.equal(note.status, 200);
    assert.equal(note.body.metadata.Rights, 'Công khai');
    // access by rights applies once archived: until then another unit's staff does not see it
    assert.equal((await t.request('GET', `/api/dossiers/${dossierId}`, { as: 'snv.cv2' })).status, 404);
    assert.equal(
      (await t.request('POST', `/api/dossiers/${dossierId}/items`, { as: 'snv.cv', body: { documentId: docIds[0] } }))
        .status,
      409,
    );
  });

  it('exports the whole dossier to PDF and XML in chronological order', async () => {
    const pdf = await fetch(`${t.url}/api/dossiers/${dossierId}/export?format=pdf`, {
      headers: { authorization: `Bearer ${await t.token('snv.cv')}` },
    });
    assert.equal(pdf.status, 200);
    assert.equal(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
      '%PDF-',
    );
    const xml = await t.request('GET', `/api/dossiers/${dossierId}/export?format=xml`, { as: 'snv.cv' });
    assert.equal(xml.status, 200);
    assert.match(String(xml.body), /<FileNotation>01\.TCCB<\/FileNotation>/);
    assert.equal((String(xml.body).match(/<Document>/g) ?? []).length, (await getDossier()).items.length);
    // appendix VI: valid against the published schema, CodeNotation without the number
    if (XMLLINT) assert.equal(validateXml(String(xml.body), METADATA_XSD), '');
    assert.doesNotMatch(String(xml.body), /<CodeNotation>\d+\//);
  });

  it('submits a transfer whose package verifies; one altered byte is named; accepted dossiers refuse changes', async () => {
    const res = await t.request('POST', '/api/archive-transfers', { as: 'snv.cv', body: { dossierIds: [dossierId] } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    transferId = res.body.id;
    assert.equal((await getDossier()).state, 'submitted');
    const pkg = await fetch(`${t.url}/api/archive-transfers/${transferId}/package`, {
      headers: { authorization: `Bearer ${await t.token('snv.luutru')}` },
    });
    assert.equal(pkg.status, 200);
    const zip = Buffer.from(await pkg.arrayBuffer());
    const entries = readZip(zip);
    const names = entries.map((e) => e.name);
    for (const n of ['bagit.txt', 'manifest-sha256.txt', 'data/muc-luc-ho-so.pdf', 'data/bien-ban-giao-nhan.pdf'])
      assert.ok(names.includes(n), n);
    for (const n of ['metadata.xml', 'metadata.json', 'history.json', 'muc-luc-van-ban.pdf'])
      assert.ok(names.includes(`data/${code}/${n}`), n);
    const signed = entries.filter((e) => /documents\/\d{3}\/signed-/.test(e.name));
    assert.ok(signed.length >= 2, `signed PDFs: ${names.join(', ')}`);
    const history = JSON.parse(entries.find((e) => e.name === `data/${code}/history.json`)!.data.toString());
    assert.equal(history.documents.length, (await getDossier()).items.length);

    const ok = await t.request('POST', `/api/archive-transfers/${transferId}/verify`, { as: 'snv.luutru' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.ok, true, JSON.stringify(ok.body.problems));
    assert.equal(ok.body.checkedSignatures, signed.length, 'signatures checked by the signing module');

    const victim = signed[0];
    const bad = Buffer.from(zip);
    bad[bad.indexOf(victim.data) + Math.floor(victim.data.length / 2)] ^= 0x01;
    const report = await t.request('POST', `/api/archive-transfers/${transferId}/verify`, {
      as: 'snv.luutru',
      raw: bad,
      headers: { 'content-type': 'application/zip' },
    });
    assert.equal(report.status, 200);
    assert.equal(report.body.ok, false);
    // only the altered file is named (its checksum, and its signature when the signing module checks it)
    assert.deepEqual([...new Set(report.body.problems.map((p: { path: string }) => p.path))], [victim.name]);
    assert.ok(report.body.problems.some((p: { code: string }) => p.code === 'CHECKSUM_MISMATCH'));
    // a package missing a file names it too
    const missing = writeZip(
      entries.filter((e) => !e.name.endsWith('history.json')),
      new Date(),
    );
    const r2 = await t.request('POST', `/api/archive-transfers/${transferId}/verify`, {
      as: 'snv.luutru',
      raw: missing,
      headers: { 'content-type': 'application/zip' },
    });
    assert.ok(r2.body.problems.some((p: { path: string }) => p.path === `data/${code}/history.json`));

    assert.equal(
      (await t.request('POST', `/api/archive-transfers/${transferId}/accept`, { as: 'snv.cv' })).status,
      403,
    );
    const acc = await t.request('POST', `/api/archive-transfers/${transferId}/accept`, { as: 'snv.luutru' });
    assert.equal(acc.status, 200, JSON.stringify(acc.body));
    assert.equal(acc.body.state, 'accepted');
    const d = await getDossier();
    assert.equal(d.state, 'archived');
    assert.ok(d.archivedAt);
    assert.equal(d.retentionEndsAt, null, 'permanent: no end of retention');
    assert.equal((await t.request('GET', `/api/dossiers/${dossierId}`, { as: 'snv.cv2' })).status, 200);
    assert.ok(
      (await t.request('GET', '/api/dossiers?state=archived', { as: 'snv.cv2' })).body.some(
        (x: { id: string }) => x.id === dossierId,
      ),
    );

    const changes = [
      t.request('PATCH', `/api/dossiers/${dossierId}`, { as: 'snv.cv', body: { description: 'sửa' } }),
      t.request('POST', `/api/dossiers/${dossierId}/items`, { as: 'snv.cv', body: { documentId: docIds[0] } }),
      t.request('DELETE', `/api/dossiers/${dossierId}/items/${docIds[0]}`, { as: 'snv.cv' }),
      t.request('POST', `/api/dossiers/${dossierId}/close`, { as: 'snv.cv' }),
      t.request('POST', '/api/archive-transfers', { as: 'snv.cv', body: { dossierIds: [dossierId] } }),
    ];
    for (const r of await Promise.all(changes))
      assert.ok([409, 422].includes(r.status), `${r.status} ${JSON.stringify(r.body)}`);
  });
});
