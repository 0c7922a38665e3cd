import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { ExpensiveWork } from '../../src/common/expensive-work.js';
import { PdfPreviews } from '../../src/modules/documents/pdf-previews.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { draftOutgoing } from '../e2e/dossiers-support.js';

const YEAR = new Date().getUTCFullYear() + 1;

/** A ZIP (what an XLSX is) built by hand, so its directory can declare sizes its data does not have. */
function zip(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = deflateRawSync(e.data);
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

describe('expensive input: spreadsheets capped before parsing, PDF previews rendered once, 503 past the limit', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.close());

  const importPlan = (raw: Buffer | string, type = 'application/octet-stream') =>
    t.request('POST', `/api/file-plans/${YEAR}/import`, { as: 'snv.vanthu', raw, headers: { 'content-type': type } });

  it('refuses a workbook that inflates past 16 MB, one that lies about its sizes, and one of 300 parts: 413', async () => {
    const sheet = Buffer.alloc(40 * 1024 * 1024, 0x20); // 40 MB of spaces deflate to ~40 KB
    const bomb = await importPlan(zip([{ name: 'xl/worksheets/sheet1.xml', data: sheet }]));
    assert.equal(bomb.status, 413, JSON.stringify(bomb.body));
    assert.equal(bomb.body.code, 'INPUT_TOO_LARGE');
    const liar = await importPlan(zip([{ name: 'xl/worksheets/sheet1.xml', data: sheet, declaredSize: 1000 }]));
    assert.equal(liar.status, 413, 'the real size counts, not the declared one');
    const parts = Array.from({ length: 300 }, (_, i) => ({ name: `xl/p${i}.xml`, data: Buffer.from('<x/>') }));
    const many = await importPlan(zip(parts));
    assert.equal(many.status, 413);
    assert.match(many.body.message, /300/);
    const junk = await importPlan(Buffer.concat([Buffer.from('PK'), Buffer.alloc(100)]));
    assert.equal(junk.status, 422, 'an unreadable workbook is reported as before');
    const plan = await t.request('GET', `/api/file-plans/${YEAR}`, { as: 'snv.vanthu' });
    assert.equal(plan.body.entries?.length ?? 0, 0, 'nothing imported');
  });

  it('refuses CSV with more lines than the caps before parsing it (file plan, onboarding)', async () => {
    const plan = await importPlan('a,b,c\n'.repeat(5001), 'text/csv');
    assert.equal(plan.status, 413);
    const users = await t.request('POST', '/api/organizations/import/users', {
      as: 'admin',
      raw: 'username,fullName\n' + 'x,y\n'.repeat(50_001),
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(users.status, 413, JSON.stringify(users.body).slice(0, 300));
    assert.equal(users.body.code, 'INPUT_TOO_LARGE');
  });

  it('renders a draft preview once per content, also when asked for four times at once', async () => {
    const previews = t.app.get(PdfPreviews);
    const id = await draftOutgoing(t, `Xem trước ${Date.now()}`, undefined);
    const before = previews.rendered;
    const get = () =>
      fetch(`${t.url}/api/documents/${id}/pdf`, { headers: { authorization: `Bearer ${tokenCv}` } }).then(
        async (r) => ({ status: r.status, body: Buffer.from(await r.arrayBuffer()) }),
      );
    const tokenCv = await t.token('snv.cv');
    const four = await Promise.all([get(), get(), get(), get()]);
    for (const r of four) assert.equal(r.status, 200);
    assert.equal(four[0].body.subarray(0, 5).toString(), '%PDF-');
    assert.equal(previews.rendered - before, 1, 'four requests, one render');
    const again = await get();
    assert.ok(again.body.equals(four[0].body), 'served from the content store');
    assert.equal(previews.rendered - before, 1);
    // another agency's clerk does not get it, cached or not
    assert.equal((await t.request('GET', `/api/documents/${id}/pdf`, { as: 'vanthu' })).status, 404);
  });

  it('answers 503 with Retry-After when the expensive work is full, and serves again once it is not', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = Array.from({ length: 10 }, () => ExpensiveWork.run(() => gate).catch(() => undefined));
    try {
      const id = await draftOutgoing(t, `Bận ${Date.now()}`, undefined);
      const busy = await t.request('GET', `/api/documents/${id}/pdf`, { as: 'snv.cv' });
      assert.equal(busy.status, 503, JSON.stringify(busy.body));
      assert.equal(busy.body.code, 'SERVER_BUSY');
      assert.equal(busy.headers.get('retry-after'), '5');
      assert.equal((await t.request('GET', '/api/health')).status, 200, 'cheap endpoints are not in that line');
      release();
      await Promise.all(held);
      const ok = await t.request('GET', `/api/documents/${id}/pdf`, { as: 'snv.cv' });
      assert.equal(ok.status, 200);
    } finally {
      release();
    }
  });
});
