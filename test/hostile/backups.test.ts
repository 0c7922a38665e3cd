import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { tempDir } from '../backup/support.js';

/** Backups hold every agency's records: only an administrator of the whole installation takes or sees them. */
describe('hostile: backups through the API', () => {
  let t: TestApp;
  const dir = tempDir('hoso-backups-api-');
  const backups = () => readdirSync(dir).filter((f) => /-full-|-incremental-/.test(f) && !f.startsWith('.'));
  const waitDone = async () => {
    for (let i = 0; i < 300; i++) {
      const s = (await t.request('GET', '/api/backups', { as: 'admin' })).body.last;
      if (s && s.state !== 'running') return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('backup did not end');
  };

  before(async () => {
    t = await startTestApp({ env: { BACKUP_DIR: dir, BACKUP_RETRIES: '1', BACKUP_RETRY_SECONDS: '1' } });
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('staff, a clerk, another agency’s admin and a commune’s admin can neither start nor see backups', async () => {
    assert.equal((await t.request('GET', '/api/backups')).status, 401);
    assert.equal((await t.request('POST', '/api/backups', { body: {} })).status, 401);
    for (const as of ['cv.vp', 'vanthu', 'snv.admin', 'thachkim.admin']) {
      const seen = await t.request('GET', '/api/backups', { as });
      assert.equal(seen.status, 403, `${as}: ${JSON.stringify(seen.body)}`);
      assert.equal(seen.body.backups, undefined);
      const started = await t.request('POST', '/api/backups', { as, body: { kind: 'full' } });
      assert.equal(started.status, 403, as);
    }
    assert.deepEqual(backups(), []);
  });

  it('malformed and oversized input is refused with 400/413 and starts nothing', async () => {
    for (const body of [
      { kind: 'everything' },
      { kind: 'full', dir: '/tmp' },
      { kind: ['full'] },
      { kind: 'full', __proto__x: 1 },
    ]) {
      const r = await t.request('POST', '/api/backups', { as: 'admin', body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(typeof r.body.code, 'string');
    }
    const big = await t.request('POST', '/api/backups', {
      as: 'admin',
      raw: JSON.stringify({ kind: 'full', pad: 'x'.repeat(3_000_000) }),
      headers: { 'content-type': 'application/json' },
    });
    assert.ok([400, 413].includes(big.status), String(big.status));
    assert.deepEqual(backups(), []);
  });

  it('the installation administrator starts one (a second at once is 409) and sees its result, size and duration', async () => {
    const [a, b] = await Promise.all([
      t.request('POST', '/api/backups', { as: 'admin', body: { kind: 'full' } }),
      t.request('POST', '/api/backups', { as: 'admin', body: { kind: 'full' } }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [202, 409], JSON.stringify([a.body, b.body]));
    const last = await waitDone();
    assert.equal(last.state, 'ok', JSON.stringify(last));
    assert.ok(last.sizeBytes > 0 && last.durationMs >= 0);
    const view = (await t.request('GET', '/api/backups', { as: 'admin' })).body;
    assert.equal(view.backups.length, 1);
    assert.equal(view.backups[0].id, last.id);
    assert.equal(backups().length, 1);
  });

  it('a failed backup is retried, then mailed to the administrators through the outbox', async () => {
    // a damaged object in the content store: the backup refuses to copy it as if it were good
    const sha = 'ab'.repeat(32);
    const bad = join(t.config.storageDir, 'ab', 'ab');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, sha), 'not what the name says');
    try {
      assert.equal(
        (await t.request('POST', '/api/backups', { as: 'admin', body: { kind: 'incremental' } })).status,
        202,
      );
      let last = await waitDone();
      for (let i = 0; i < 100 && !(last.attempt === 2 && last.state === 'failed'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        last = (await t.request('GET', '/api/backups', { as: 'admin' })).body.last;
      }
      assert.equal(last.state, 'failed');
      assert.equal(last.attempt, 2);
      assert.match(last.error, /does not match its hash/);
      const mails: { to_address: string; data: string }[] = await t.dataSource.query(
        `SELECT to_address, data FROM notification WHERE dedupe_key LIKE 'backup-failed:%'`,
      );
      assert.ok(
        mails.some((m) => m.to_address === 'admin@demo.hoso.local'),
        JSON.stringify(mails),
      );
      assert.ok(!mails.some((m) => m.to_address.startsWith('snv.admin')));
      assert.ok(mails.every((m) => m.data.includes('does not match its hash')));
    } finally {
      rmSync(join(bad, sha), { force: true });
    }
  });
});
