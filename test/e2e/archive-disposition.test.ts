import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/common/clock.js';
import { StorageService } from '../../src/modules/storage/index.js';
import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { completeOutgoing, draftOutgoing, issueOutgoing, waitFor } from './dossiers-support.js';

const DAY = 86400_000;

describe('archive: rejection, retention in the unit, disposition of expired dossiers', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date());
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestApp({ clock });
  });
  after(() => t.close());

  const openWithDocument = async (notation: string, retention: string) => {
    const r = await t.request('POST', '/api/dossiers', {
      as: 'snv.cv',
      body: { title: `Hồ sơ ${notation}`, notation, retention },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const docId = await issueOutgoing(t, `Văn bản của hồ sơ ${notation}`, r.body.id);
    await waitFor('filed', async () => {
      const d = (await t.request('GET', `/api/dossiers/${r.body.id}`, { as: 'snv.cv' })).body;
      return d.items.length === 1;
    });
    const c = await t.request('POST', `/api/dossiers/${r.body.id}/close`, { as: 'snv.cv' });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    return { id: r.body.id as string, docId };
  };

  it('given a dossier closed while a document chosen for it was in its flow, the document is issued, not marked filed, and says why', async () => {
    const r = await t.request('POST', '/api/dossiers', {
      as: 'snv.cv',
      body: { title: 'Hồ sơ 33.TCCB', notation: '33.TCCB', retention: '5 năm' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const docId = await draftOutgoing(t, 'Văn bản chọn hồ sơ khi soạn', r.body.id);
    // the dossier gets its other document and is closed before this one is issued
    await issueOutgoing(t, 'Văn bản khác của hồ sơ 33.TCCB', r.body.id);
    await waitFor('filed', async () => {
      const d = (await t.request('GET', `/api/dossiers/${r.body.id}`, { as: 'snv.cv' })).body;
      return d.items.length === 1;
    });
    assert.equal((await t.request('POST', `/api/dossiers/${r.body.id}/close`, { as: 'snv.cv' })).status, 200);
    await completeOutgoing(t, docId);
    const trail = await waitFor('the flow ended', async () => {
      const x = (await t.request('GET', `/api/documents/${docId}/history`, { as: 'snv.cv' })).body;
      return Array.isArray(x) && x.some((e: { action: string }) => e.action === 'not-filed') ? x : undefined;
    });
    const note = trail.find((e: { action: string }) => e.action === 'not-filed');
    assert.match(note.note, /đã kết thúc/);
    const doc = (await t.request('GET', `/api/documents/${docId}`, { as: 'snv.cv' })).body;
    assert.equal(doc.status, 'issued');
    assert.deepEqual(doc.dossierIds, []);
    const d = (await t.request('GET', `/api/dossiers/${r.body.id}`, { as: 'snv.cv' })).body;
    assert.equal(d.items.length, 1);
  });

  it('given a closed dossier, only the head of the agency keeps it in the unit, and for at most 2 years', async () => {
    const { id } = await openWithDocument('31.TCCB', '5 năm');
    ids.kept = id;
    const d = (await t.request('GET', `/api/dossiers/${id}`, { as: 'snv.cv' })).body;
    const due = new Date(d.transferDueAt).getTime();
    const body = { until: new Date(due + 300 * DAY).toISOString(), reason: 'Còn giải quyết khiếu nại' };
    assert.equal((await t.request('POST', `/api/dossiers/${id}/retain`, { as: 'snv.tp', body })).status, 403);
    const tooLong = { ...body, until: new Date(due + 3 * 366 * DAY).toISOString() };
    assert.equal(
      (await t.request('POST', `/api/dossiers/${id}/retain`, { as: 'snv.giamdoc', body: tooLong })).status,
      422,
    );
    const ok = await t.request('POST', `/api/dossiers/${id}/retain`, { as: 'snv.giamdoc', body });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.transferDueAt, body.until);
    assert.equal(ok.body.retainedUntil, body.until);
  });

  it('given a rejected transfer, the dossier returns to the unit closed and can be submitted again', async () => {
    const tr = await t.request('POST', '/api/archive-transfers', { as: 'snv.cv', body: { dossierIds: [ids.kept] } });
    assert.equal(tr.status, 201);
    const bad = await t.request('POST', `/api/archive-transfers/${tr.body.id}/reject`, {
      as: 'snv.luutru',
      body: { reasons: [] },
    });
    assert.equal(bad.status, 400);
    const rej = await t.request('POST', `/api/archive-transfers/${tr.body.id}/reject`, {
      as: 'snv.luutru',
      body: { reasons: ['Thiếu biên bản giao nhận có chữ ký'] },
    });
    assert.equal(rej.status, 200);
    assert.equal(rej.body.state, 'rejected');
    assert.deepEqual(rej.body.reasons, ['Thiếu biên bản giao nhận có chữ ký']);
    assert.equal((await t.request('GET', `/api/dossiers/${ids.kept}`, { as: 'snv.cv' })).body.state, 'closed');
    assert.equal(
      (await t.request('POST', `/api/archive-transfers/${tr.body.id}/accept`, { as: 'snv.luutru' })).status,
      409,
    );
    // other agencies do not see the transfer
    assert.equal(
      (await t.request('GET', `/api/archive-transfers/${tr.body.id}`, { as: 'thachkim.luutru' })).status,
      404,
    );
  });

  it("given an accepted fixed-term dossier, it is listed when its retention expires and destroyed on the head's approval; metadata and trail stay", async () => {
    const { id, docId } = await openWithDocument('32.TCCB', '5 năm');
    const tr = await t.request('POST', '/api/archive-transfers', { as: 'snv.cv', body: { dossierIds: [id] } });
    assert.equal(tr.status, 201);
    const acc = await t.request('POST', `/api/archive-transfers/${tr.body.id}/accept`, { as: 'snv.luutru' });
    assert.equal(acc.status, 200, JSON.stringify(acc.body));
    const archived = (await t.request('GET', `/api/dossiers/${id}`, { as: 'snv.cv' })).body;
    assert.equal(archived.state, 'archived');
    assert.ok(archived.retentionEndsAt);

    assert.deepEqual((await t.request('GET', '/api/dossiers/disposition', { as: 'snv.luutru' })).body, []);
    assert.equal(
      (await t.request('POST', `/api/dossiers/${id}/destroy`, { as: 'snv.giamdoc', body: { reason: 'Hết hạn' } }))
        .status,
      422,
    );
    clock.advance(5 * 366 * DAY);
    const due = (await t.request('GET', '/api/dossiers/disposition', { as: 'snv.luutru' })).body;
    assert.deepEqual(
      due.map((x: { id: string }) => x.id),
      [id],
    );

    const files = (await t.request('GET', `/api/documents/${docId}`, { as: 'snv.cv' })).body.files as {
      sha256: string;
    }[];
    const storage = t.app.get(StorageService);
    assert.ok(files.length && (await storage.exists(files[0].sha256)));
    const body = { reason: 'Hội đồng xác định giá trị tài liệu đề nghị hủy' };
    assert.equal((await t.request('POST', `/api/dossiers/${id}/destroy`, { as: 'snv.luutru', body })).status, 403);
    // approved twice at once (two tabs): one destruction, the other told it is done
    const both = await Promise.all(
      [0, 1].map(() => t.request('POST', `/api/dossiers/${id}/destroy`, { as: 'snv.giamdoc', body })),
    );
    assert.deepEqual(both.map((r) => r.status).sort(), [200, 409], JSON.stringify(both.map((r) => r.body)));
    assert.equal(both.find((r) => r.status === 409)!.body.code, 'DOSSIER_ALREADY_DESTROYED');
    assert.equal(await storage.exists(files[0].sha256), false, 'the content is gone when the destruction is answered');
    const pkg = await t.request('GET', `/api/archive-transfers/${tr.body.id}/package`, { as: 'snv.luutru' });
    assert.equal(pkg.status, 404, 'the package of destroyed dossiers is destroyed too');

    const after = await t.request('GET', `/api/dossiers/${id}`, { as: 'snv.cv' });
    assert.equal(after.status, 200);
    assert.equal(after.body.state, 'destroyed');
    assert.equal(after.body.metadata.Title, 'Hồ sơ 32.TCCB');
    const trail = await t.dataSource
      .getRepository(AuditEventEntity)
      .find({ where: { entityId: id }, order: { id: 'ASC' } });
    assert.deepEqual(trail.map((e) => e.action).slice(-1), ['dossier.destroyed']);
    assert.equal(trail.filter((e) => e.action === 'dossier.destroyed').length, 1);
    assert.ok(trail.some((e) => e.action === 'dossier.opened'));
  });
});
