import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshDatabase, startTestApp, type TestApp } from '../support/test-app.js';
import { rowCounts } from '../hostile/support/api-map.js';
import { TINY_PDF } from '../hostile/support/multipart.js';

/**
 * Issue 8: storage write failure during an upload. STORAGE_DIR points below a regular file, so every write
 * fails with ENOTDIR exactly like a full or read-only disk would fail the write: the upload must answer
 * 503 STORAGE_WRITE_FAILED with a retry hint, and leave no row behind (no document without its content).
 */
describe('storage write failure during an upload', () => {
  let t: TestApp;
  before(async () => {
    const db = await freshDatabase();
    const blocker = join(db.dataDir, 'not-a-directory');
    writeFileSync(blocker, 'a regular file where the storage directory should be');
    t = await startTestApp({ db, env: { STORAGE_DIR: join(blocker, 'files') } });
  });
  after(() => t?.close());

  const upload = async (path: string, as: string, fields: Record<string, string>) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([TINY_PDF], { type: 'application/pdf' }), 'cong-van-den.pdf');
    const res = await fetch(t.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token(as)}` },
      body: form,
    });
    return { status: res.status, headers: res.headers, body: (await res.json().catch(() => ({}))) as any };
  };

  it('given an unwritable storage, when an incoming document is uploaded, then 503 with a clear code and no dangling record', async () => {
    await t.token('snv.vanthu'); // log in first: a login may write (demo signing credential, audit)
    const before = await rowCounts(t);
    const res = await upload('/api/documents/incoming', 'snv.vanthu', {
      senderName: 'Bộ Nội vụ',
      originalNumber: '15/QĐ-BNV',
      originalDate: '2026-11-20',
      typeCode: 'CV',
      subject: 'Về việc thử ghi tệp thất bại',
    });
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.equal(res.body.code, 'STORAGE_WRITE_FAILED');
    assert.ok(res.body.message && res.body.retryAfterSeconds > 0, 'a readable message and a retry hint');
    assert.deepEqual(await rowCounts(t), before, 'no row written for the failed upload');
  });

  it('keeps serving everything that does not write files', async () => {
    assert.equal((await t.request('GET', '/api/health')).status, 200);
    assert.equal((await t.request('GET', '/api/documents', { as: 'snv.vanthu' })).status, 200);
  });
});
