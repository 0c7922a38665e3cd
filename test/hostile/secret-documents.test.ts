import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { loadApiMap, type ApiMap } from './support/api-map.js';
import { me, type Me } from './support/agencies.js';

const MARKER = 'MATSECRET4242';
/** Everyone of the agency (and the province administrator); the document's readers are read from the DB. */
const CANDIDATES = [
  'snv.cv',
  'snv.giamdoc',
  'snv.phogiamdoc',
  'snv.vanthu',
  'snv.tp',
  'snv.cv2',
  'snv.luutru',
  'snv.admin',
  'admin',
];
/** Administrative views that carry a document id as an opaque business key (no subject, no content). */
const OPAQUE_ID_ROUTES = ['/api/audit', '/api/workflow/instances'];

/**
 * A secret document (Decree 30/2020 art. 15.2; the state-secrets law) is seen by its explicit readers only:
 * it never appears in any list, search, board, report or export answered to anyone else in its agency —
 * leaders, clerks and administrators included — nor in mail queued for them.
 */
describe('secret documents stay with their readers', () => {
  let t: TestApp;
  let map: ApiMap;
  let secretId: string;
  const meOf: Record<string, Me> = {};
  let readers: string[] = [];
  let nonReaders: string[] = [];

  before(async () => {
    t = await startTestApp();
    map = await loadApiMap(t);
    for (const u of CANDIDATES) meOf[u] = await me(t, u);
    const res = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: {
        typeCode: 'CV',
        subject: `Về việc bảo vệ bí mật nhà nước ${MARKER}`,
        signerId: meOf['snv.giamdoc'].id,
        secrecy: 'confidential',
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    secretId = res.body.id;
    // explicit readers: the drafter, the signer and the participants the flow has added so far
    const rows: { user_id: string }[] = await t.dataSource.query(
      'SELECT user_id FROM document_reader WHERE document_id = ?',
      [secretId],
    );
    const ids = new Set(rows.map((r) => r.user_id));
    readers = CANDIDATES.filter((u) => ids.has(meOf[u].id) || u === 'snv.cv' || u === 'snv.giamdoc');
    nonReaders = CANDIDATES.filter((u) => !readers.includes(u));
    console.log(`# readers: ${readers.join(', ')}; non-readers: ${nonReaders.join(', ')}`);
  });
  after(() => t?.close());

  it('control: the drafter finds it by search', async () => {
    const res = await t.request('GET', `/api/documents?q=${MARKER}`, { as: 'snv.cv' });
    assert.equal(res.status, 200);
    assert.ok(JSON.stringify(res.body).includes(secretId));
  });

  it('is not found by id, PDF or signatures for non-readers', async () => {
    for (const as of nonReaders)
      for (const suffix of ['', '/pdf', '/signatures']) {
        const res = await t.request('GET', `/api/documents/${secretId}${suffix}`, { as });
        assert.equal(res.status, 404, `${as} GET /api/documents/:id${suffix} → ${res.status}`);
      }
  });

  it('appears in no list, search, board, report or text export answered to non-readers', async () => {
    const leaks = await scan(false);
    assert.deepEqual(leaks, []);
  });

  it('administrative lists (audit, process instances) do not even show its id to non-readers', async () => {
    assert.deepEqual(await scan(true), []);
  });

  /** Every GET list route answered to every non-reader (with `q` when it has one): where the secret shows. */
  async function scan(opaqueRoutesOnly: boolean): Promise<string[]> {
    const leaks: string[] = [];
    const year = new Date().getFullYear();
    for (const route of map.routes) {
      if (route.method !== 'GET' || route.permission === 'public' || route.path.includes('docs')) continue;
      if (route.pathParams.some((p) => p !== 'year')) continue;
      const opaque = OPAQUE_ID_ROUTES.includes(route.path);
      if (opaque !== opaqueRoutesOnly) continue;
      const base = route.path.replace('{year}', String(year));
      const variants = [base, ...(route.queryParams.includes('q') ? [`${base}?q=${MARKER}`] : [])];
      for (const as of nonReaders) {
        if (route.permission && !meOf[as].permissions.includes(route.permission)) continue;
        for (const path of variants) {
          const res = await fetch(t.url + path, { headers: { authorization: `Bearer ${await t.token(as)}` } });
          const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
          if (text.includes(MARKER) || text.includes(secretId)) leaks.push(`${path} as ${as}`);
        }
      }
    }
    return leaks;
  }

  it('queues no mail about it to non-readers', async () => {
    const rows: { user_id: string | null; data: string }[] = await t.dataSource
      .query('SELECT user_id, data FROM notification')
      .catch(() => []);
    const readerIds = new Set(readers.map((u) => meOf[u].id));
    const leaked = rows.filter(
      (r) => (r.data.includes(MARKER) || r.data.includes(secretId)) && r.user_id && !readerIds.has(r.user_id),
    );
    assert.deepEqual(leaked, []);
  });
});
