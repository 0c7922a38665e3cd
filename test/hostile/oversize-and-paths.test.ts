import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { concretePath, loadApiMap, rowCounts, type ApiMap, type Route } from './support/api-map.js';
import { A_USERS, me, type Me } from './support/agencies.js';
import { harvestAs, isIdParam, kindOfParam, type Harvest } from './support/harvest.js';
import { multipartForm, multipartSchema, TINY_PDF } from './support/multipart.js';

/**
 * Upload limits per multipart route (MB), as the controllers set them. Only the document uploads follow
 * UPLOAD_MAX_MB (default 25); the others have fixed limits sized for their content. A multipart route missing
 * from this table must honour UPLOAD_MAX_MB.
 */
const OWN_LIMIT_MB: Record<string, number> = {
  'POST /api/organizations/import/{kind}': 20, // CSV of a whole province's users
  'POST /api/workflow/definitions': 1, // BPMN XML (validation time grows with it: workflow validation.ts)
  'POST /api/workflow/definitions/validate': 1,
  'POST /api/file-plans/{year}/import': 10, // file plan spreadsheet
  'POST /api/signing/certificates/import': 1, // PKCS#12
  'POST /api/signatures/verify': 50, // signed PDF
  'POST /api/tasks/{id}/attachments': 50,
};
const UPLOAD_MAX_MB = 25; // the default of UPLOAD_MAX_MB (documents.controller reads process.env at load)
const TRAVERSAL_NAMES = [
  '../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '/etc/passwd',
  '....//....//etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'a/../../../../tmp/hoso-escaped.pdf',
  'nul\u0000.pdf',
];

/** GET over a raw socket, so `..` segments reach the server un-normalised (fetch would resolve them). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

describe('oversized bodies, uploads and path traversal', () => {
  let t: TestApp;
  let map: ApiMap;
  let harvest: Harvest;
  const meOf: Record<string, Me> = {};
  const users = [...A_USERS, 'admin'];

  before(async () => {
    t = await startTestApp();
    map = await loadApiMap(t);
    for (const u of users) meOf[u] = await me(t, u);
    harvest = await harvestAs(t, map, users);
  });
  after(() => t?.close());

  const userFor = (r: Route) => users.find((u) => r.permission && meOf[u].permissions.includes(r.permission));
  /** The route's path with ids of the caller's own agency, or undefined when no such object exists yet. */
  const pathFor = (r: Route): string | undefined => {
    const values: Record<string, string> = { kind: 'users', year: String(new Date().getFullYear()) };
    for (const p of r.pathParams.filter(isIdParam)) {
      const id = [...(harvest.ids.get(kindOfParam(r, p)) ?? [])][0];
      if (!id) return undefined;
      values[p] = id;
    }
    return concretePath(r.path, values);
  };

  it('refuses JSON bodies over 2 MB with 413 before authentication or validation', async () => {
    const big = JSON.stringify({ username: 'x', password: 'y'.repeat(2.2 * 1024 * 1024) });
    const anon = await t.request('POST', '/api/auth/login', {
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(anon.status, 413);
    assert.equal(anon.body.code, 'PAYLOAD_TOO_LARGE');
    const authed = await t.request('POST', '/api/users', {
      as: 'snv.admin',
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(authed.status, 413);
    const xml = await t.request('POST', '/api/workflow/definitions', {
      as: 'admin',
      raw: '<x>' + 'a'.repeat(11 * 1024 * 1024) + '</x>',
      headers: { 'content-type': 'application/xml' },
    });
    assert.equal(xml.status, 413, 'text bodies (XML, CSV) are capped at 10 MB');
  });

  it('refuses uploads over the limit with 413 on every multipart route, and stores nothing', async () => {
    const routes = map.routes.filter((r) => r.multipart);
    console.log(`# multipart routes: ${routes.map((r) => `${r.method} ${r.path}`).join(', ') || 'none'}`);
    const before = await rowCounts(t);
    const filesBefore = walk(t.config.storageDir).length;
    for (const route of routes) {
      const as = userFor(route);
      if (!as || !pathFor(route)) continue; // no object to upload to (reported by the matrix)
      const mb = OWN_LIMIT_MB[`${route.method} ${route.path}`] ?? UPLOAD_MAX_MB;
      const content = Buffer.alloc(Math.ceil((mb + 0.5) * 1024 * 1024), 0x41);
      TINY_PDF.copy(content);
      const form = multipartForm(map, multipartSchema(map, route), content, 'big.pdf');
      const res = await fetch(t.url + pathFor(route)!, {
        method: route.method,
        headers: { authorization: `Bearer ${await t.token(as)}` },
        body: form,
      });
      const body = (await res.json().catch(() => ({}))) as { code?: string };
      assert.equal(res.status, 413, `${route.method} ${route.path} as ${as}: ${res.status} ${body.code}`);
    }
    assert.deepEqual(await rowCounts(t), before);
    assert.equal(walk(t.config.storageDir).length, filesBefore);
  });

  it('never writes outside STORAGE_DIR whatever the uploaded file name', async () => {
    const parent = dirname(t.config.dataDir);
    const outsideBefore = new Set(readdirSync(parent));
    for (const route of map.routes.filter((r) => r.multipart)) {
      const as = userFor(route);
      if (!as || !pathFor(route)) continue;
      for (const name of TRAVERSAL_NAMES) {
        const res = await fetch(t.url + pathFor(route)!, {
          method: route.method,
          headers: { authorization: `Bearer ${await t.token(as)}` },
          body: multipartForm(map, multipartSchema(map, route), TINY_PDF, name),
        });
        assert.ok(res.status < 500, `${route.path} with file name ${name} → ${res.status}`);
      }
    }
    for (const f of walk(t.config.dataDir)) {
      const rel = relative(t.config.dataDir, f);
      assert.ok(!rel.startsWith('..') && !/passwd|win\.ini|escaped/.test(rel), `unexpected file ${rel}`);
      if (f.startsWith(t.config.storageDir))
        assert.match(relative(t.config.storageDir, f), /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/, 'content-addressed');
    }
    const created = readdirSync(parent).filter((n) => !outsideBefore.has(n) && /etc|passwd|escaped|windows/.test(n));
    assert.deepEqual(created, []);
    assert.equal(existsSync('/tmp/hoso-escaped.pdf'), false);
  });

  it('never serves files outside the app through encoded or raw ../ paths', async () => {
    const paths = [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/api/..%2f..%2f..%2fetc%2fpasswd',
      '/..%5c..%5c..%5cetc%5cpasswd',
      '/api/users/..%2f..%2fetc%2fpasswd',
      '/api/docs/..%2f..%2f..%2f..%2fetc%2fpasswd',
    ];
    for (const p of paths) {
      const res = await rawGet(t.url, p);
      assert.ok(res.status < 500, `${p} → ${res.status}`);
      assert.doesNotMatch(res.body, /root:x:0:0|\[fonts\]/, p);
    }
  });
});
