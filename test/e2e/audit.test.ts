import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startTestApp, isMysql, type TestApp } from '../support/test-app.js';

describe('audit log', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const verifyCli = () =>
    spawnSync(process.execPath, ['dist/src/modules/audit/cli/verify.js'], {
      env: {
        ...process.env,
        DATA_DIR: t.config.dataDir,
        DATABASE_URL: t.config.database.type === 'mysql' ? t.config.database.url : `sqlite:${t.config.database.path}`,
      },
      encoding: 'utf8',
    });

  it('records state changes in a chain that verifies', async () => {
    await t.request('POST', '/api/auth/login', { body: { username: 'vanthu', password: 'hoso-demo' } });
    const res = await t.request('GET', '/api/audit/verify', { as: 'admin' });
    assert.equal(res.status, 200);
    assert.equal(res.body.ok, true);
    assert.ok(res.body.checked > 5);
    const cli = verifyCli();
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /audit log OK/);
  });

  it('refuses UPDATE and DELETE at the database level', async () => {
    await assert.rejects(t.dataSource.query(`UPDATE audit_event SET action = 'x' WHERE id = 1`));
    await assert.rejects(t.dataSource.query(`DELETE FROM audit_event WHERE id = 2`));
  });

  it('audit:verify names the first edited entry', async () => {
    // An attacker with database access removes the guard and edits an entry.
    await t.dataSource.query('DROP TRIGGER audit_event_no_update');
    const [{ id }] = await t.dataSource.query(
      `SELECT id FROM audit_event WHERE action = 'auth.login' ORDER BY id LIMIT 1`,
    );
    await t.dataSource.query(`UPDATE audit_event SET action = 'auth.logout' WHERE id = ${Number(id)}`);
    const res = await t.request('GET', '/api/audit/verify', { as: 'admin' });
    assert.equal(res.body.ok, false);
    assert.equal(res.body.firstBroken.id, Number(id));
    const cli = verifyCli();
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, new RegExp(`entry #${id}\\b`));
    assert.ok(isMysql || t.config.database.type === 'sqlite');
  });
});
