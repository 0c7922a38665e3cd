import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { userId, waitFor } from './dossiers-support.js';

describe('dossiers: opening outside the plan, items, completeness check, visibility', () => {
  let t: TestApp;
  let dossierId = '';
  const draftIds: string[] = [];

  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const draft = async (subject: string) => {
    const r = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: { typeCode: 'CV', subject, body: 'Nội dung.', signerId: await userId(t, 'snv.giamdoc') },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as string;
  };

  it('refuses bad input with 4xx, never 500', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ title: 'Hồ sơ', notation: 'abc', retention: 5 }, 400],
      [{ title: 'Hồ sơ', notation: '15.TCCB', retention: 'mãi mãi' }, 400],
      [{ title: 'Hồ sơ', notation: '15.TCCB' }, 400],
      [{ filePlanEntryId: '00000000-0000-4000-8000-000000000000' }, 404],
      [{ title: 'Hồ sơ', notation: '15.TCCB', retention: 5, extra: 1 }, 400],
    ];
    for (const [body, status] of cases) {
      const r = await t.request('POST', '/api/dossiers', { as: 'snv.cv', body });
      assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
    }
    assert.equal(
      (
        await t.request('POST', '/api/dossiers', {
          as: 'snv.giamdoc',
          body: { title: 'Hồ sơ', notation: '15.TCCB', retention: 5 },
        })
      ).status,
      403,
    );
  });

  it('given an empty dossier outside the plan, closing answers 422 NO_DOCUMENTS', async () => {
    const r = await t.request('POST', '/api/dossiers', {
      as: 'snv.cv',
      body: { title: 'Hồ sơ góp ý dự thảo quy chế', notation: '15.TCCB', retention: '5 năm', startDate: '2026-03-01' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    dossierId = r.body.id;
    const close = await t.request('POST', `/api/dossiers/${dossierId}/close`, { as: 'snv.cv' });
    assert.equal(close.status, 422);
    assert.equal(close.body.code, 'DOSSIER_INCOMPLETE');
    assert.deepEqual(
      close.body.reasons.map((x: { code: string }) => x.code),
      ['NO_DOCUMENTS'],
    );
  });

  it('keeps order numbers when documents are added and removed by hand; one document in two dossiers', async () => {
    draftIds.push(await draft('Dự thảo quy chế làm việc'), await draft('Dự thảo quy chế chi tiêu'));
    for (const id of draftIds) {
      const r = await t.request('POST', `/api/dossiers/${dossierId}/items`, { as: 'snv.cv', body: { documentId: id } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    assert.equal(
      (await t.request('POST', `/api/dossiers/${dossierId}/items`, { as: 'snv.cv', body: { documentId: draftIds[0] } }))
        .status,
      409,
    );
    assert.equal(
      (await t.request('DELETE', `/api/dossiers/${dossierId}/items/${draftIds[0]}`, { as: 'snv.cv' })).status,
      204,
    );
    const again = await t.request('POST', `/api/dossiers/${dossierId}/items`, {
      as: 'snv.cv',
      body: { documentId: draftIds[0] },
    });
    assert.equal(again.body.order, 3, 'order numbers are never reused');
    const d = (await t.request('GET', `/api/dossiers/${dossierId}`, { as: 'snv.cv' })).body;
    assert.deepEqual(
      d.items.map((i: { documentId: string; order: number }) => [i.documentId, i.order]),
      [
        [draftIds[1], 2],
        [draftIds[0], 3],
      ],
    );
    const other = await t.request('POST', '/api/dossiers', {
      as: 'snv.cv',
      body: { title: 'Hồ sơ khác', notation: '16.TCCB', retention: 10 },
    });
    assert.equal(
      (
        await t.request('POST', `/api/dossiers/${other.body.id}/items`, {
          as: 'snv.cv',
          body: { documentId: draftIds[1] },
        })
      ).status,
      201,
    );
    const both = (await t.request('GET', `/api/dossiers?documentId=${draftIds[1]}`, { as: 'snv.cv' })).body;
    assert.equal(both.length, 2);
    // a document of another agency is not found
    const foreign = await t.request('POST', '/api/documents/outgoing', {
      as: 'thachkim.cv',
      body: { typeCode: 'CV', subject: 'Văn bản xã', body: 'x', signerId: await userId(t, 'thachkim.chutich') },
    });
    assert.equal(foreign.status, 201, JSON.stringify(foreign.body));
    assert.equal(
      (
        await t.request('POST', `/api/dossiers/${dossierId}/items`, {
          as: 'snv.cv',
          body: { documentId: foreign.body.id },
        })
      ).status,
      404,
    );
  });

  it('given drafts and missing metadata, closing lists EVERY reason', async () => {
    const patch = await t.request('PATCH', `/api/dossiers/${dossierId}`, {
      as: 'snv.cv',
      body: { rights: '', language: '' },
    });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    const close = await t.request('POST', `/api/dossiers/${dossierId}/close`, { as: 'snv.cv' });
    assert.equal(close.status, 422);
    const got = close.body.reasons.map((x: { code: string; documentId?: string; field?: string }) =>
      [x.code, x.documentId ?? x.field].join(' '),
    );
    assert.deepEqual(
      new Set(got),
      new Set([
        `DOCUMENT_NOT_FINAL ${draftIds[1]}`,
        `DOCUMENT_NOT_SIGNED ${draftIds[1]}`,
        `DOCUMENT_NOT_FINAL ${draftIds[0]}`,
        `DOCUMENT_NOT_SIGNED ${draftIds[0]}`,
        'METADATA_MISSING rights',
        'METADATA_MISSING language',
      ]),
    );
    assert.equal(got.length, 6);
    for (const r of close.body.reasons) assert.ok(r.message.length > 5);
    assert.equal((await t.request('GET', `/api/dossiers/${dossierId}`, { as: 'snv.cv' })).body.state, 'open');
  });

  it('secret dossiers are seen only by their readers and creator', async () => {
    const r = await t.request('POST', '/api/dossiers', {
      as: 'snv.cv',
      body: {
        title: 'Hồ sơ mật',
        notation: '17.TCCB',
        retention: 'Vĩnh viễn',
        secrecy: 'secret',
        readerIds: [await userId(t, 'snv.tp')],
      },
    });
    assert.equal(r.status, 201);
    assert.equal((await t.request('GET', `/api/dossiers/${r.body.id}`, { as: 'snv.tp' })).status, 200);
    assert.equal((await t.request('GET', `/api/dossiers/${r.body.id}`, { as: 'snv.vanthu' })).status, 404);
    assert.equal((await t.request('GET', `/api/dossiers/${r.body.id}`, { as: 'snv.giamdoc' })).status, 404);
    const clerkList = (await t.request('GET', '/api/dossiers', { as: 'snv.vanthu' })).body;
    assert.ok(!clerkList.some((d: { id: string }) => d.id === r.body.id));
    assert.ok(clerkList.some((d: { id: string }) => d.id === dossierId));
    const readerList = (await t.request('GET', '/api/dossiers?q=ho so mat', { as: 'snv.tp' })).body;
    assert.deepEqual(
      readerList.map((d: { id: string }) => d.id),
      [r.body.id],
    );
  });

  it('starts the lifecycle process of each dossier', async () => {
    const d = await waitFor('the lifecycle instance', async () => {
      const x = (await t.request('GET', `/api/dossiers/${dossierId}`, { as: 'snv.cv' })).body;
      return x.processInstanceId ? x : undefined;
    });
    assert.match(d.processInstanceId, /\S+/);
  });
});
