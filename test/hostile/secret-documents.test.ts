import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DossiersService, secrecyCovers } from '../../src/modules/dossiers/dossiers.service.js';
import { PLAN_CSV } from '../e2e/dossiers-support.js';
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

  it('is filed only by its readers, only into a secret dossier, and stays with its readers there', async () => {
    const year = new Date().getFullYear();
    const imp = await t.request('POST', `/api/file-plans/${year}/import`, {
      as: 'snv.vanthu',
      raw: PLAN_CSV,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(imp.status, 201, JSON.stringify(imp.body));
    assert.equal((await t.request('POST', `/api/file-plans/${year}/approve`, { as: 'snv.giamdoc' })).status, 201);
    const plan = (await t.request('GET', `/api/file-plans/${year}`, { as: 'snv.cv' })).body;
    const entry = (notation: string) => plan.entries.find((e: { notation: string }) => e.notation === notation).id;
    const open = async (as: string, body: Record<string, unknown>) => {
      const res = await t.request('POST', '/api/dossiers', { as, body });
      assert.equal(res.status, 201, `${as}: ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    };
    const add = (as: string, dossierId: string) =>
      t.request('POST', `/api/dossiers/${dossierId}/items`, { as, body: { documentId: secretId } });
    const exported = async (as: string, dossierId: string) => {
      const res = await fetch(`${t.url}/api/dossiers/${dossierId}/export?format=xml`, {
        headers: { authorization: `Bearer ${await t.token(as)}` },
      });
      assert.equal(res.status, 200);
      return res.text();
    };
    assert.ok(nonReaders.includes('snv.cv2') && readers.includes('snv.vanthu') && readers.includes('snv.cv'));

    // a non-reader cannot file it (by its id) into a dossier of their own, and so cannot export it
    const own = await open('snv.cv2', { filePlanEntryId: entry('01.TCCB') });
    assert.equal((await add('snv.cv2', own)).status, 404);
    assert.ok(!(await exported('snv.cv2', own)).includes(MARKER));
    // nor any document they may not see (another unit's, not secret)
    const plain = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: { typeCode: 'CV', subject: 'Về việc văn bản thường của phòng khác', signerId: meOf['snv.giamdoc'].id },
    });
    assert.equal((await t.request('GET', `/api/documents/${plain.body.id}`, { as: 'snv.cv2' })).status, 404);
    const plainAdd = await t.request('POST', `/api/dossiers/${own}/items`, {
      as: 'snv.cv2',
      body: { documentId: plain.body.id },
    });
    assert.equal(plainAdd.status, 404);
    // a reader who may share it (the clerk) cannot put it into an open dossier
    const openDossier = await open('snv.vanthu', { filePlanEntryId: entry('01.VP') });
    const low = await add('snv.vanthu', openDossier);
    assert.equal(low.status, 409, JSON.stringify(low.body));
    assert.equal(low.body.code, 'DOSSIER_SECRECY_TOO_LOW');
    // nor does its flow's filing step (the dossier chosen when it was drafted) put it there
    const filing = await t.app.get(DossiersService).fileFromWorkflow(t.dataSource.manager, {
      documentId: secretId,
      dossierId: openDossier,
      agencyId: meOf['snv.vanthu'].agencyId,
      jobKey: 'test-filing',
    });
    assert.deepEqual(filing, { filed: false, reason: 'dossier-secrecy-too-low' });
    // the drafter (a reader who may not share a secret document) cannot file it even into a secret dossier
    const drafters = await open('snv.cv', {
      title: 'Hồ sơ mật của chuyên viên',
      notation: '19.TCCB',
      retention: 10,
      secrecy: 'secret',
    });
    assert.equal((await add('snv.cv', drafters)).status, 403);
    // the clerk files it into a secret dossier, which snv.cv2 (not a reader of the document) may read
    const secret = await open('snv.vanthu', {
      title: 'Hồ sơ mật của văn phòng',
      notation: '18.VP',
      retention: 10,
      secrecy: 'confidential',
      readerIds: [meOf['snv.cv2'].id],
    });
    assert.equal((await add('snv.vanthu', secret)).status, 201);
    assert.ok((await exported('snv.vanthu', secret)).includes(MARKER), 'control: its reader exports it');
    const view = await t.request('GET', `/api/dossiers/${secret}`, { as: 'snv.cv2' });
    assert.equal(view.status, 200);
    assert.ok(!JSON.stringify(view.body).includes(secretId), 'the dossier view leaves it out for a non-reader');
    const text = await exported('snv.cv2', secret);
    assert.ok(!text.includes(MARKER) && !text.includes(secretId), 'the export leaves it out for a non-reader');
    // nor does the dossier list tell a non-reader which dossier holds it (asked by its id)
    const holding = async (as: string) =>
      (await t.request('GET', `/api/dossiers?documentId=${secretId}`, { as })).body.map((d: { id: string }) => d.id);
    assert.deepEqual(await holding('snv.vanthu'), [secret], 'control: its reader finds the dossier');
    assert.deepEqual(await holding('snv.cv2'), []);
    // and no electronic transfer package carries it to the archivists
    const transfer = await t.request('POST', '/api/archive-transfers', {
      as: 'snv.vanthu',
      body: { dossierIds: [secret] },
    });
    assert.equal(transfer.status, 409, JSON.stringify(transfer.body));
    assert.equal(transfer.body.code, 'DOSSIER_SECRET_NOT_TRANSFERABLE');

    // levels: a dossier holds documents up to its own level
    assert.deepEqual(
      [
        secrecyCovers(null, 'confidential'),
        secrecyCovers('confidential', 'confidential'),
        secrecyCovers('confidential', 'secret'),
        secrecyCovers('top-secret', 'secret'),
      ],
      [false, true, false, true],
    );
  });
});
