import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { completeTask } from '../support/tasks.js';
import { receiveIncoming } from './dossiers-support.js';

const fetchBytes = async (t: TestApp, path: string, as: string) => {
  const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${await t.token(as)}` } });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: Buffer.from(await res.arrayBuffer()),
  };
};

describe('handling reports: incoming on time, late, open, per unit and person; the follow-up register', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestApp();
    // on time: handled before a far deadline; late: handled after a past deadline; open and overdue; secret, open
    ids.onTime = await receiveIncoming(t, 'Về việc báo cáo quý', { originalNumber: '1/STC', dueDate: '2099-12-31' });
    ids.late = await receiveIncoming(t, 'Về việc kiểm kê tài sản', { originalNumber: '2/STC', dueDate: '2020-01-02' });
    ids.open = await receiveIncoming(t, 'Về việc quyết toán', { originalNumber: '3/STC', dueDate: '2020-01-02' });
    ids.secret = await receiveIncoming(t, 'Về việc bảo vệ bí mật', {
      originalNumber: '4/CAT',
      secrecy: 'confidential',
      dueDate: '2099-12-31',
    });
    await completeTask(t, 'snv.cv', ids.onTime, 'handle', { result: 'Đã báo cáo' });
    await completeTask(t, 'snv.cv', ids.late, 'handle', { result: 'Đã kiểm kê' });
  });
  after(() => t.close());

  it('counts per unit and per person for the leader, secret letters included for their readers', async () => {
    const res = await t.request('GET', '/api/reports/handling?direction=incoming', { as: 'snv.giamdoc' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.total, { total: 4, onTime: 1, late: 1, open: 2, openOverdue: 1 });
    const cvName = (await t.request('GET', '/api/auth/me', { as: 'snv.cv' })).body.fullName;
    assert.deepEqual(res.body.byPerson, [
      { key: res.body.byPerson[0].key, name: cvName, total: 4, onTime: 1, late: 1, open: 2, openOverdue: 1 },
    ]);
    assert.equal(res.body.byUnit.length, 1);
    assert.match(res.body.byUnit[0].name, /Tổ chức/);
  });

  it('hostile: a unit head who is no reader of the secret letter does not count it; other agencies see none', async () => {
    const tp = await t.request('GET', '/api/reports/handling', { as: 'snv.tp' });
    assert.equal(tp.status, 200);
    assert.deepEqual(tp.body.total, { total: 3, onTime: 1, late: 1, open: 1, openOverdue: 1 });
    const other = await t.request('GET', '/api/reports/handling', { as: 'chutich' });
    assert.equal(other.body.total.total, 0);
    const follow = await t.request('GET', '/api/reports/incoming-follow-up', { as: 'vanthu' });
    assert.deepEqual(follow.body.lines, []);
    // staff have no report; malformed periods and formats are refused
    assert.equal((await t.request('GET', '/api/reports/handling', { as: 'snv.cv' })).status, 403);
    for (const q of [
      'from=2026-13-01',
      'from=01/01/2026',
      'from=2026-02-30',
      'from=2026-05-01&to=2026-04-01',
      'from=2000-01-01&to=2026-01-01',
      'format=docx',
      'direction=sideways',
      'unitId=1',
      'extra=1',
    ]) {
      const res = await t.request('GET', `/api/reports/handling?${q}`, { as: 'snv.giamdoc' });
      assert.equal(res.status, 400, q);
      assert.equal(typeof res.body.code, 'string');
    }
  });

  it('lists the follow-up register in its appendix IV columns, secret lines for readers only', async () => {
    const clerk = await t.request('GET', '/api/reports/incoming-follow-up', { as: 'snv.vanthu' });
    assert.equal(clerk.status, 200, JSON.stringify(clerk.body));
    assert.equal(clerk.body.lines.length, 4);
    const byId = Object.fromEntries(clerk.body.lines.map((l: { id: string }) => [l.id, l]));
    assert.equal(byId[ids.onTime].state, 'on-time');
    assert.equal(byId[ids.late].state, 'late');
    assert.equal(byId[ids.open].state, 'open-overdue');
    assert.equal(byId[ids.open].dueDate, '2020-01-02');
    assert.match(byId[ids.open].identification, /3\/STC — 20\/11\/2026 — Sở Tài chính — Công văn: Về việc quyết toán/);
    assert.equal(byId[ids.open].receiver, (await t.request('GET', '/api/auth/me', { as: 'snv.cv' })).body.fullName);
    assert.ok(byId[ids.open].arrivalNumber > 0);
    const tp = await t.request('GET', '/api/reports/incoming-follow-up', { as: 'snv.giamdoc' });
    assert.equal(tp.body.lines.length, 4);
    const archivist = await t.request('GET', '/api/reports/incoming-follow-up', { as: 'snv.luutru' });
    assert.equal(archivist.status, 200);
    assert.ok(!JSON.stringify(archivist.body).includes('bảo vệ bí mật'), 'no secret subject for a non-reader');
  });

  it('exports the report and the register to XLSX and PDF', async () => {
    const xlsx = await fetchBytes(t, '/api/reports/handling?format=xlsx', 'snv.giamdoc');
    assert.equal(xlsx.status, 200);
    assert.match(xlsx.type, /spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const cells = wb.worksheets[0].getSheetValues().flat().map(String);
    assert.ok(cells.includes('BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN'));
    assert.ok(cells.includes('Tổng cộng'));
    const pdf = await fetchBytes(t, '/api/reports/handling?format=pdf&direction=outgoing', 'snv.giamdoc');
    assert.equal(pdf.status, 200);
    assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
    const reg = await fetchBytes(t, '/api/reports/incoming-follow-up?format=xlsx', 'snv.vanthu');
    assert.equal(reg.status, 200);
    await wb.xlsx.load(reg.body as unknown as ArrayBuffer);
    const regCells = wb.worksheets.at(-1)!.getSheetValues().flat().map(String);
    assert.ok(regCells.some((c) => c.includes('Về việc quyết toán')));
    const regPdf = await fetchBytes(t, '/api/reports/incoming-follow-up?format=pdf', 'snv.vanthu');
    assert.equal(regPdf.body.subarray(0, 5).toString(), '%PDF-');
  });
});
