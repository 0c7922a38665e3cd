import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { PLAN_CSV } from './dossiers-support.js';

const YEAR = 2026;

describe('file plan (danh mục hồ sơ)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('given a CSV with errors, when imported, then every bad row is reported and nothing is saved', async () => {
    const bad = [
      'Số và ký hiệu hồ sơ,Tên đề mục và tiêu đề hồ sơ,Thời hạn bảo quản,Đơn vị/người lập hồ sơ,Ghi chú',
      ',I. TỔ CHỨC CÁN BỘ (TCCB),,,',
      '01.TCCB,Hồ sơ một,mãi mãi,TCCB,',
      '01.TCCB,Hồ sơ hai,10 năm,TCCB,',
      'X1,,5 năm,Phòng không tồn tại,',
    ].join('\n');
    const res = await t.request('POST', `/api/file-plans/${YEAR}/import`, {
      as: 'snv.vanthu',
      raw: bad,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.code, 'FILE_PLAN_IMPORT_INVALID');
    const byRow = res.body.errors.map((e: { row: number; code: string }) => `${e.row}:${e.code}`);
    assert.ok(byRow.includes('3:RETENTION_INVALID'));
    assert.ok(byRow.includes('4:NOTATION_DUPLICATE'));
    assert.ok(byRow.includes('5:NOTATION_INVALID'));
    assert.ok(byRow.includes('5:TITLE_MISSING'));
    assert.ok(byRow.includes('5:UNIT_UNKNOWN'));
    const plan = await t.request('GET', `/api/file-plans/${YEAR}`, { as: 'snv.vanthu' });
    assert.equal(plan.body.entries.length, 0);
  });

  it('given the clerk CSV, when imported, then headings, sub-headings, entries and totals are kept', async () => {
    const res = await t.request('POST', `/api/file-plans/${YEAR}/import`, {
      as: 'snv.vanthu',
      raw: PLAN_CSV,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.imported, 5);
    const plan = await t.request('GET', `/api/file-plans/${YEAR}`, { as: 'snv.cv' });
    assert.equal(plan.status, 200);
    assert.equal(plan.body.state, 'draft');
    assert.deepEqual(
      plan.body.headings.map((h: { number: string; abbreviation: string }) => `${h.number}.${h.abbreviation}`),
      ['I.TCCB', 'II.VP'],
    );
    assert.deepEqual(
      plan.body.headings[0].subheadings.map((s: { number: string }) => s.number),
      ['1', '2'],
    );
    assert.deepEqual(plan.body.totals, { total: 5, permanent: 2, fixedTerm: 3 });
    const e02 = plan.body.entries.find((e: { notation: string }) => e.notation === '02.TCCB');
    assert.equal(e02.retention, '10 năm');
    assert.ok(e02.responsiblePersonId, 'person resolved from the username');
    assert.ok(e02.responsibleUnitId, 'unit taken from the person');
  });

  it('adds entries by hand with the next notation of the heading, and edits them', async () => {
    const plan = (await t.request('GET', `/api/file-plans/${YEAR}`, { as: 'snv.vanthu' })).body;
    const vp = plan.headings[1];
    const res = await t.request('POST', `/api/file-plans/${YEAR}/entries`, {
      as: 'snv.vanthu',
      body: { headingId: vp.id, title: 'Hồ sơ thi đua khen thưởng', retention: '5 năm' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.notation, '03.VP');
    const dup = await t.request('POST', `/api/file-plans/${YEAR}/entries`, {
      as: 'snv.vanthu',
      body: { headingId: vp.id, title: 'Trùng', retention: 5, notation: '03.VP' },
    });
    assert.equal(dup.status, 409);
    const patched = await t.request('PATCH', `/api/file-plans/entries/${res.body.id}`, {
      as: 'snv.vanthu',
      body: { retention: 'Vĩnh viễn', notes: 'Sửa' },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.retention, 'Vĩnh viễn');
    const staff = await t.request('POST', `/api/file-plans/${YEAR}/entries`, {
      as: 'snv.cv',
      body: { headingId: vp.id, title: 'Không được', retention: 5 },
    });
    assert.equal(staff.status, 403);
  });

  it('imports the same plan from XLSX', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Danh mục');
    for (const line of PLAN_CSV.split('\n'))
      ws.addRow(line.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '')));
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await t.request('POST', `/api/file-plans/${YEAR + 5}/import`, {
      as: 'snv.vanthu',
      raw: buf,
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.imported, 5);
  });

  it('only the head of the agency approves; an approved plan is frozen; copy forward makes next year a draft', async () => {
    assert.equal((await t.request('POST', `/api/file-plans/${YEAR}/approve`, { as: 'snv.vanthu' })).status, 403);
    const ok = await t.request('POST', `/api/file-plans/${YEAR}/approve`, { as: 'snv.giamdoc' });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.state, 'approved');
    const frozen = await t.request('POST', `/api/file-plans/${YEAR}/import`, {
      as: 'snv.vanthu',
      raw: PLAN_CSV,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(frozen.status, 409);
    const copy = await t.request('POST', `/api/file-plans/${YEAR}/copy-forward`, { as: 'snv.vanthu' });
    assert.equal(copy.status, 201);
    const next = (await t.request('GET', `/api/file-plans/${YEAR + 1}`, { as: 'snv.vanthu' })).body;
    assert.equal(next.state, 'draft');
    assert.equal(next.totals.total, 6);
    assert.equal(next.headings[0].subheadings.length, 2);
    // another agency's plan is not visible
    const other = await t.request('GET', `/api/file-plans/${YEAR}`, { as: 'thachkim.vanthu' });
    assert.equal(other.body.entries.length, 0);
  });
});
