import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { me } from './support/agencies.js';

/**
 * No credential in a URL (issue 22, item 8): links the browser opens itself carry a download ticket made by
 * POST /api/auth/download-tickets — one path, one minute, reading only, ended with its session.
 */
describe('download tickets instead of tokens in URLs', () => {
  let t: TestApp;
  let docId: string;
  let otherDocId: string;
  let foreignDocId: string;

  const ticket = async (as: string, path: string) =>
    t.request('POST', '/api/auth/download-tickets', { as, body: { path } });
  const open = (url: string, init: RequestInit = {}) => fetch(t.url + url, init);

  before(async () => {
    t = await startTestApp();
    const signer = (await me(t, 'snv.giamdoc')).id;
    const draft = async (as: string, signerId: string) => {
      const r = await t.request('POST', '/api/documents/outgoing', {
        as,
        body: { typeCode: 'CV', subject: 'Về việc thử liên kết tải xuống', body: 'Nội dung.', signerId },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    docId = await draft('snv.cv', signer);
    otherDocId = await draft('snv.cv', signer);
    foreignDocId = await draft('thachkim.cv', (await me(t, 'thachkim.chutich')).id);
  });
  after(() => t?.close());

  it('given a ticket for a PDF, the browser opens that PDF without any token', async () => {
    const r = await ticket('snv.cv', `/api/documents/${docId}/pdf`);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.match(r.body.url, new RegExp(`^/api/documents/${docId}/pdf\\?ticket=`));
    assert.ok(!r.body.url.includes(await t.token('snv.cv')));
    const res = await open(r.body.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    // the query of the path is kept (exports choose their format there)
    const q = await ticket('snv.cv', `/api/documents/${docId}/pdf?x=1`);
    assert.match(q.body.url, /\?x=1&ticket=/);
  });

  it('refuses the ticket for any other path, as a bearer token, and for anything but reading', async () => {
    const { url } = (await ticket('snv.cv', `/api/documents/${docId}/pdf`)).body;
    const tk = new URL(url, t.url).searchParams.get('ticket')!;
    for (const path of [`/api/documents/${otherDocId}/pdf`, '/api/auth/me', `/api/documents/${docId}`, '/api/tasks'])
      assert.equal((await open(`${path}?ticket=${tk}`)).status, 401, path);
    assert.equal((await t.request('GET', `/api/documents/${docId}/pdf`, { token: tk })).status, 401);
    // a ticket made for a path with a state-changing route does not open it
    const share = (await ticket('snv.cv', `/api/documents/${docId}/share`)).body.url as string;
    const post = await open(share, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(post.status, 401);
    // a session token is not a ticket either
    assert.equal((await open(`/api/documents/${docId}/pdf?ticket=${await t.token('snv.cv')}`)).status, 401);
  });

  it('refuses tampered, forged and expired tickets', async () => {
    const { url } = (await ticket('snv.cv', `/api/documents/${docId}/pdf`)).body;
    const tk = new URL(url, t.url).searchParams.get('ticket')!;
    const claims = jwt.decode(tk) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const secret = t.config.jwtSecret;
    const path = `/api/documents/${otherDocId}/pdf`;
    const bad = [
      `${tk.split('.')[0]}.${Buffer.from(JSON.stringify({ ...claims, path })).toString('base64url')}.${tk.split('.')[2]}`,
      jwt.sign({ ...claims, path }, 'another-installation-secret-0123456789abcdef', { algorithm: 'HS256' }),
      jwt.sign({ ...claims, iat: now - 120, exp: now - 30 }, secret, { algorithm: 'HS256' }),
      jwt.sign({ ...claims, path, aud: 'other' }, secret, { algorithm: 'HS256' }),
      'not-a-ticket',
    ];
    for (const b of bad) {
      const res = await open(`${path}?ticket=${encodeURIComponent(b)}`);
      assert.equal(res.status, 401, b.slice(0, 50));
    }
  });

  it('gives no reach beyond the caller: another agency’s document stays not found', async () => {
    const r = await ticket('snv.cv', `/api/documents/${foreignDocId}/pdf`);
    assert.equal(r.status, 201);
    assert.equal((await open(r.body.url)).status, 404);
  });

  it('refuses tickets for auth routes, paths outside the API, traversal and oversized input', async () => {
    for (const path of [
      '/api/auth/me',
      '/api/auth/download-tickets',
      '/etc/passwd',
      'https://evil.example/api/x',
      '/api/../api/auth/me',
      '/api/documents/%2e%2e/x/../y',
      `/api/${'a'.repeat(2000)}`,
    ]) {
      const r = await ticket('snv.cv', path);
      assert.equal(r.status, 400, `${path.slice(0, 40)} → ${r.status}`);
    }
    for (const body of [{}, { path: 42 }, { path: ['/api/tasks'] }, { path: '/api/tasks', extra: 1 }])
      assert.equal((await t.request('POST', '/api/auth/download-tickets', { as: 'snv.cv', body })).status, 400);
    assert.equal((await t.request('POST', '/api/auth/download-tickets', { body: { path: '/api/tasks' } })).status, 401);
  });

  it('ends with the session it was made from', async () => {
    const login = await t.request('POST', '/api/auth/login', { body: { username: 'snv.cv2', password: 'hoso-demo' } });
    const token = login.body.accessToken as string;
    const r = await t.request('POST', '/api/auth/download-tickets', { token, body: { path: '/api/tasks' } });
    assert.equal(r.status, 201);
    assert.equal((await open(r.body.url)).status, 200);
    assert.equal((await t.request('POST', '/api/auth/logout', { token })).status, 204);
    assert.equal((await open(r.body.url)).status, 401);
  });
});
