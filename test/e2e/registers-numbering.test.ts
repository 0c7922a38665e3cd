import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { ManualClock } from '../../src/common/clock.js';
import { TransactionService } from '../../src/database/transaction.service.js';
import { RegistersService } from '../../src/modules/registers/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Decree 30/2020, art. 15: numbers unique and gap-free within the year, restarting on 1 January (Vietnam time). */
describe('registers: gap-free numbering, year rollover, printable registers', () => {
  let t: TestApp;
  let registers: RegistersService;
  let tx: TransactionService;
  let agencyId: string;
  const clock = new ManualClock(new Date('2026-11-25T03:00:00Z'));

  before(async () => {
    t = await startTestApp({ clock });
    registers = t.app.get(RegistersService);
    tx = t.app.get(TransactionService);
    agencyId = (await t.request('GET', '/api/auth/me', { as: 'snv.vanthu' })).body.agencyId;
  });
  after(() => t.close());

  const take = (series: string, fail = false) =>
    tx.run(async (m) => {
      const r = await registers.takeNumber(m, {
        agencyId,
        direction: 'outgoing',
        series,
        documentId: randomUUID(),
        at: clock.now(),
        columns: { numberNotation: '', typeAndSubject: 'Quyết định thử' },
      });
      if (fail) throw new Error('issuance failed after numbering');
      return r;
    });

  it('200 parallel issuances get exactly 1..200; failed ones burn no number', async () => {
    // given 200 issuances at once in one register, every 10th failing after it took its number
    const results = await Promise.allSettled(
      Array.from({ length: 220 }, (_, i) => take('administrative', i % 11 === 5)),
    );
    // then the 200 committed ones hold 1..200, no duplicate, no gap
    const ok = results
      .filter((r) => r.status === 'fulfilled')
      .map((r) => (r as PromiseFulfilledResult<{ number: number }>).value.number);
    assert.equal(results.filter((r) => r.status === 'rejected').length, 20);
    assert.deepEqual(
      [...ok].sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    const next = await take('administrative');
    assert.equal(next.number, 201);
    assert.equal(next.numberText, '201');
  });

  it('numbers restart at 01 on 1 January 00:00 Asia/Ho_Chi_Minh', async () => {
    // given the last second of 31 December in Vietnam (16:59:59 UTC)
    clock.set('2026-12-31T16:59:59Z');
    const last = await take('legal:QĐ');
    assert.equal(last.year, 2026);
    // when the clock passes midnight in Vietnam (17:00 UTC on 31 December)
    clock.set('2026-12-31T17:00:00Z');
    const first = await take('legal:QĐ');
    // then the new year's register starts at 01
    assert.equal(first.year, 2027);
    assert.equal(first.number, 1);
    assert.equal(first.numberText, '01');
    assert.notEqual(first.registerId, last.registerId);
    clock.set('2026-11-25T03:00:00Z');
  });

  it('lists registers and entries, filtered by date range, to clerks only', async () => {
    const list = await t.request('GET', '/api/registers?year=2026&direction=outgoing', { as: 'snv.vanthu' });
    assert.equal(list.status, 200);
    const admin = list.body.find((r: { series: string }) => r.series === 'administrative');
    assert.equal(admin.lastNumber, 201);
    const entries = await t.request('GET', `/api/registers/${admin.id}/entries?from=2026-11-25&to=2026-11-25`, {
      as: 'snv.vanthu',
    });
    assert.equal(entries.status, 200);
    assert.equal(entries.body.items.length, 201);
    assert.equal(entries.body.items[0].numberText, '01');
    assert.equal(entries.body.columns.length, 10);
    const none = await t.request('GET', `/api/registers/${admin.id}/entries?from=2026-11-26`, { as: 'snv.vanthu' });
    assert.equal(none.body.items.length, 0);
    assert.equal(
      (await t.request('GET', `/api/registers/${admin.id}/entries?from=2026-13-40`, { as: 'snv.vanthu' })).status,
      400,
    );
    assert.equal(
      (await t.request('GET', `/api/registers/${admin.id}/entries?from=2026-12-02&to=2026-12-01`, { as: 'snv.vanthu' }))
        .status,
      400,
    );
    // staff have no registers permission; another agency's clerk does not see this register
    assert.equal((await t.request('GET', '/api/registers', { as: 'snv.cv' })).status, 403);
    assert.equal((await t.request('GET', `/api/registers/${admin.id}/entries`, { as: 'vanthu' })).status, 404);
  });

  it('exports the register as PDF, XLSX and CSV in the appendix IV layout', async () => {
    const list = await t.request('GET', '/api/registers?year=2026', { as: 'snv.vanthu' });
    const id = list.body.find((r: { series: string }) => r.series === 'administrative').id;
    const res = await fetch(`${t.url}/api/registers/${id}/export?format=pdf`, {
      headers: { authorization: `Bearer ${await t.token('snv.vanthu')}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const pdf = await PDFDocument.load(Buffer.from(await res.arrayBuffer()));
    assert.ok(pdf.getPageCount() >= 5);
    const csv = await t.request('GET', `/api/registers/${id}/export?format=csv`, { as: 'snv.vanthu' });
    assert.equal(csv.status, 200);
    const lines = String(csv.body).trim().split('\r\n');
    assert.ok(lines[0].replace(/^\ufeff/, '').startsWith('"Số, ký hiệu văn bản"'));
    assert.ok(lines[0].includes('Tên loại và trích yếu nội dung văn bản'));
    assert.equal(lines.length, 202);
    const xlsx = await fetch(`${t.url}/api/registers/${id}/export?format=xlsx`, {
      headers: { authorization: `Bearer ${await t.token('snv.vanthu')}` },
    });
    assert.equal(xlsx.status, 200);
    assert.equal(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
      'PK',
    );
    assert.equal((await t.request('GET', `/api/registers/${id}/export?format=doc`, { as: 'snv.vanthu' })).status, 400);
  });
});
