import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Nobody locks anybody out (issue 22, item 5): wrong guesses throttle the username from the client that made
 * them, never its owner elsewhere; the current password of POST /api/auth/password is throttled like a login;
 * X-Forwarded-For names the client only behind a configured proxy (TRUST_PROXY; here the test runs on loopback).
 */
describe('login throttling without lockout', () => {
  let t: TestApp;
  const login = (username: string, password: string, client: string) =>
    t.request('POST', '/api/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': client } });

  before(async () => {
    t = await startTestApp({ env: { LOGIN_MAX_ATTEMPTS: '3', TRUST_PROXY: 'loopback' } });
  });
  after(() => t?.close());

  it('given an attacker failing for a username, the owner with the right password from elsewhere gets in', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login('snv.tp', `guess-${i}`, '203.0.113.7')).status, 401);
    const attacker = await login('snv.tp', DEMO_PASSWORD, '203.0.113.7');
    assert.equal(attacker.status, 429, 'the client that guessed waits, even with the right password');
    assert.equal(attacker.body.code, 'LOGIN_THROTTLED');
    assert.ok(attacker.body.retryAfterSeconds >= 1 && attacker.body.retryAfterSeconds <= 30);
    const owner = await login('snv.tp', DEMO_PASSWORD, '198.51.100.20');
    assert.equal(owner.status, 200, JSON.stringify(owner.body));
    // a colleague behind the attacker's address is not locked out either
    assert.equal((await login('snv.cv', DEMO_PASSWORD, '203.0.113.7')).status, 200);
  });

  it('given a client guessing again after its wait, each further failure makes the wait longer', async () => {
    // the first lock is 30 s: a guess within it is refused and does not count
    const r1 = await login('snv.tp', 'again', '203.0.113.7');
    assert.equal(r1.status, 429);
    assert.ok(r1.body.retryAfterSeconds <= 30);
  });

  it('given current-password guesses on a session, the password change is throttled', async () => {
    const token = (await login('snv.cv2', DEMO_PASSWORD, '198.51.100.30')).body.accessToken as string;
    const change = (currentPassword: string) =>
      t.request('POST', '/api/auth/password', {
        token,
        body: { currentPassword, newPassword: 'mot-mat-khau-moi-dai' },
      });
    for (let i = 0; i < 3; i++) {
      const r = await change(`guess-${i}`);
      assert.equal(r.status, 400);
      assert.equal(r.body.code, 'BAD_CURRENT_PASSWORD');
    }
    const blocked = await change(DEMO_PASSWORD);
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.code, 'LOGIN_THROTTLED');
    // and the password did not change meanwhile
    assert.equal((await login('snv.cv2', DEMO_PASSWORD, '198.51.100.31')).status, 200);
  });
});
