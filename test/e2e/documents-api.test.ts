import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { docsApi } from './documents.helpers.js';

const countFiles = (dir: string): number => {
  try {
    return readdirSync(dir, { recursive: true }).filter((f) => /[0-9a-f]{64}$/.test(String(f))).length;
  } catch {
    return 0;
  }
};

async function tinyPdf(text: string): Promise<Buffer> {
  const d = await PDFDocument.create();
  d.addPage().drawText(text);
  return Buffer.from(await d.save());
}

describe('documents API: creation, lists, search, access, bad input', () => {
  let t: TestApp;
  let api: ReturnType<typeof docsApi>;
  const count = async () => Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM document'))[0].n);

  before(async () => {
    t = await startTestApp();
    api = docsApi(t);
  });
  after(() => t.close());

  it('lists the document types of Decree 30/2020 appendix III', async () => {
    const res = await t.request('GET', '/api/document-types', { as: 'snv.cv' });
    assert.equal(res.status, 200);
    assert.ok(res.body.length >= 29);
    assert.ok(res.body.some((x: { code: string; name: string }) => x.code === 'QĐ' && x.name === 'Quyết định'));
  });

  it('refuses bad outgoing input with a clear 4xx and changes nothing', async () => {
    const giamdoc = await api.me('snv.giamdoc');
    const tp = await api.me('snv.tp');
    const before = await count();
    const base = { typeCode: 'QĐ', subject: 'Về việc thử nghiệm', signerId: giamdoc.id };
    const unknownType = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: { ...base, typeCode: 'XYZ' },
    });
    assert.equal(unknownType.status, 400);
    assert.equal(unknownType.body.code, 'DOCUMENT_TYPE_UNKNOWN');
    const noAuthority = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: { ...base, signerId: tp.id },
    });
    assert.equal(noAuthority.status, 400);
    assert.equal(noAuthority.body.code, 'SIGNER_NOT_AUTHORISED');
    const otherAgencySigner = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: { ...base, signerId: (await api.me('chutich')).id },
    });
    assert.equal(otherAgencySigner.status, 400);
    const { subject: _s, ...noSubject } = base;
    const missing = await t.request('POST', '/api/documents/outgoing', { as: 'snv.cv', body: noSubject });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, 'VALIDATION_FAILED');
    const badUrgency = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: { ...base, urgency: 'asap' },
    });
    assert.equal(badUrgency.status, 400);
    assert.equal(await count(), before);
  });

  it('refuses bad incoming uploads: 50 MB non-PDF, non-PDF, another agency, not a clerk — nothing stored', async () => {
    const before = await count();
    const files = countFiles(t.config.storageDir);
    const fields = {
      senderName: 'Bộ Nội vụ',
      originalNumber: '15/QĐ-BNV',
      originalDate: '2026-11-20',
      typeCode: 'QĐ',
      subject: 'Về việc thử',
    };
    const huge = await api.upload('vanthu', '/api/documents/incoming', fields, {
      name: 'big.bin',
      type: 'application/octet-stream',
      content: Buffer.alloc(50 * 1024 * 1024, 7),
    });
    assert.equal(huge.status, 413);
    const notPdf = await api.upload('vanthu', '/api/documents/incoming', fields, {
      name: 'x.pdf',
      type: 'application/pdf',
      content: Buffer.from('not really a pdf'),
    });
    assert.equal(notPdf.status, 422);
    assert.equal(notPdf.body.code, 'INCOMING_NOT_PDF');
    const snv = await api.me('snv.vanthu');
    const pdf = await tinyPdf('Cong van');
    const other = await api.upload(
      'vanthu',
      '/api/documents/incoming',
      { ...fields, agencyId: snv.agencyId },
      { name: 'a.pdf', type: 'application/pdf', content: pdf },
    );
    assert.equal(other.status, 403);
    assert.equal(other.body.code, 'INCOMING_WRONG_AGENCY');
    const staff = await api.upload('cv.vp', '/api/documents/incoming', fields, {
      name: 'a.pdf',
      type: 'application/pdf',
      content: pdf,
    });
    assert.equal(staff.status, 403);
    const noFile = await api.upload('vanthu', '/api/documents/incoming', fields);
    assert.equal(noFile.status, 400);
    const badType = await api.upload(
      'vanthu',
      '/api/documents/incoming',
      { ...fields, typeCode: 'ZZ' },
      { name: 'a.pdf', type: 'application/pdf', content: pdf },
    );
    assert.equal(badType.status, 400);
    assert.equal(await count(), before);
    assert.equal(countFiles(t.config.storageDir), files);
  });

  it('registers an incoming PDF and warns about a duplicate number + notation + issuing body', async () => {
    const pdf = await tinyPdf('Cong van so 15');
    const fields = {
      senderName: 'Bộ Nội vụ',
      originalNumber: '15/BNV-VP',
      originalDate: '2026-11-20',
      typeCode: 'CV',
      subject: 'Về việc báo cáo số liệu cán bộ',
      urgency: 'urgent',
    };
    const first = await api.upload('vanthu', '/api/documents/incoming', fields, {
      name: 'cv15.pdf',
      type: 'application/pdf',
      content: pdf,
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.ok(first.body.processInstanceId);
    assert.deepEqual(first.body.duplicates, []);
    const second = await api.upload('vanthu', '/api/documents/incoming', fields, {
      name: 'cv15.pdf',
      type: 'application/pdf',
      content: pdf,
    });
    assert.equal(second.status, 201);
    assert.equal(second.body.duplicates.length, 1);
    assert.equal(second.body.duplicates[0].id, first.body.id);
    const d = await api.doc('vanthu', first.body.id);
    assert.equal(d.direction, 'incoming');
    assert.equal(d.notation, '15/BNV-VP');
    assert.equal(d.urgency, 'urgent');
    for (const prefix of ['15/', '15/bnv', '15/BNV-VP']) {
      const byNumber = await t.request('GET', `/api/documents?number=${encodeURIComponent(prefix)}`, { as: 'vanthu' });
      assert.equal(byNumber.body.total, 2, prefix);
    }
    assert.equal((await t.request('GET', '/api/documents?number=16%2F', { as: 'vanthu' })).body.total, 0);
    const got = await api.bytes('vanthu', `/api/documents/${first.body.id}/pdf`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, pdf);
  });

  it('lists with filters, diacritic-insensitive search, urgency first and paging', async () => {
    const giamdoc = await api.me('snv.giamdoc');
    const mk = (subject: string, urgency?: string, typeCode = 'TB') =>
      t.request('POST', '/api/documents/outgoing', {
        as: 'snv.cv',
        body: { typeCode, subject, signerId: giamdoc.id, body: 'Nội dung.', ...(urgency ? { urgency } : {}) },
      });
    for (const [s, u] of [
      ['Thông báo lịch họp giao ban tháng 12', undefined],
      ['Kế hoạch kiểm tra công tác văn thư lưu trữ', 'flash'],
      ['Thông báo kết quả tuyển dụng công chức', 'urgent'],
    ] as const) {
      const r = await mk(s, u);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const all = await t.request('GET', '/api/documents?direction=outgoing', { as: 'snv.giamdoc' });
    assert.equal(all.status, 200);
    assert.equal(all.body.total, 3);
    assert.deepEqual(
      all.body.items.map((x: { urgency: string }) => x.urgency),
      ['flash', 'urgent', 'normal'],
    );
    // a date range reads the dated index one urgency rank at a time: same order, same total, short pages too
    const ranged = await t.request('GET', '/api/documents?direction=outgoing&from=2000-01-01&to=2100-12-31', {
      as: 'snv.giamdoc',
    });
    assert.deepEqual(
      [ranged.body.total, ...ranged.body.items.map((x: { urgency: string }) => x.urgency)],
      [3, 'flash', 'urgent', 'normal'],
    );
    const second = await t.request('GET', '/api/documents?direction=outgoing&from=2000-01-01&pageSize=2&page=2', {
      as: 'snv.giamdoc',
    });
    assert.deepEqual(
      [second.body.total, ...second.body.items.map((x: { urgency: string }) => x.urgency)],
      [3, 'normal'],
    );
    for (const q of ['tuyen dung', 'Tuyển dụng', 'TUYEN DUNG']) {
      const r = await t.request('GET', `/api/documents?q=${encodeURIComponent(q)}`, { as: 'snv.giamdoc' });
      assert.equal(r.body.total, 1, q);
      assert.equal(r.body.items[0].subject, 'Thông báo kết quả tuyển dụng công chức');
    }
    const paged = await t.request('GET', '/api/documents?direction=outgoing&pageSize=2&page=2&sort=newest', {
      as: 'snv.giamdoc',
    });
    assert.equal(paged.body.items.length, 1);
    const status = await t.request('GET', '/api/documents?status=drafting&urgency=flash', { as: 'snv.giamdoc' });
    assert.equal(status.body.total, 1);
    assert.equal((await t.request('GET', '/api/documents?from=2026-02-30', { as: 'snv.giamdoc' })).status, 400);
    assert.equal((await t.request('GET', '/api/documents?pageSize=1000', { as: 'snv.giamdoc' })).status, 400);
    // another agency sees none of them; a staff member of another unit sees only what they take part in
    assert.equal((await t.request('GET', '/api/documents?direction=outgoing', { as: 'chutich' })).body.total, 0);
    assert.equal((await t.request('GET', '/api/documents?direction=outgoing', { as: 'snv.cv2' })).body.total, 0);
    const one = all.body.items[0].id;
    assert.equal((await t.request('GET', `/api/documents/${one}`, { as: 'chutich' })).status, 404);
    assert.equal((await t.request('GET', `/api/documents/${one}`, { as: 'snv.cv2' })).status, 404);
    assert.equal((await t.request('GET', `/api/documents/${one}`, { as: 'snv.tp' })).status, 200);
    const preview = await api.bytes('snv.cv', `/api/documents/${one}/pdf`);
    assert.equal(preview.status, 200);
    assert.equal((await PDFDocument.load(preview.body)).getPageCount(), 1);
  });

  it('keeps secret documents out of everyone else’s lists and lookups', async () => {
    const giamdoc = await api.me('snv.giamdoc');
    const r = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: {
        typeCode: 'BC',
        subject: 'Báo cáo mật về nhân sự',
        signerId: giamdoc.id,
        secrecy: 'secret',
        body: 'Mật.',
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const hidden = await t.request('GET', '/api/documents?q=nhan%20su', { as: 'snv.cv2' });
    assert.equal(hidden.body.total, 0);
    assert.equal((await t.request('GET', `/api/documents/${r.body.id}`, { as: 'snv.cv2' })).status, 404);
    assert.equal((await t.request('GET', `/api/documents/${r.body.id}`, { as: 'snv.giamdoc' })).status, 200);
    const own = await t.request('GET', '/api/documents?q=nhan%20su', { as: 'snv.cv' });
    assert.equal(own.body.total, 1);
    // sharing lets a named person in
    const cv2 = await api.me('snv.cv2');
    assert.equal(
      (await t.request('POST', `/api/documents/${r.body.id}/share`, { as: 'snv.giamdoc', body: { userIds: [cv2.id] } }))
        .status,
      201,
    );
    assert.equal((await t.request('GET', `/api/documents/${r.body.id}`, { as: 'snv.cv2' })).status, 200);
    const history = await t.request('GET', `/api/documents/${r.body.id}/history`, { as: 'snv.cv' });
    assert.deepEqual(history.body.map((e: { action: string }) => e.action).slice(0, 2), ['created', 'shared']);
  });
});
