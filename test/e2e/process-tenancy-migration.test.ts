import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProcessTenancy1796689148258 } from '../../src/database/migrations/1796689148258-ProcessTenancy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { completeTask, findTask, userId, waitFor } from './dossiers-support.js';

/**
 * The tenancy migration on a database with work in progress: a document waiting for review on the deployed
 * outgoing flow, and the deployments of processes/. Taken back to the schema before tenancy and forward again,
 * every deployment is the root agency's, the running instance has its document bound, and it runs on to the end
 * of the steps its workers do (they act on the bound document only).
 */
describe('migration ProcessTenancy: owners for existing deployments, running instances keep running', () => {
  let t: TestApp;
  let docId: string;
  before(async () => {
    t = await startTestApp();
    const r = await t.request('POST', '/api/documents/outgoing', {
      as: 'snv.cv',
      body: {
        typeCode: 'CV',
        subject: 'Văn bản trước khi nâng cấp',
        body: '…',
        signerId: await userId(t, 'snv.giamdoc'),
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    docId = r.body.id;
    await completeTask(t, 'snv.cv', docId, 'draft');
    await findTask(t, 'snv.tp', docId, 'review');
  });
  after(() => t.close());

  it('gives every deployment the root agency and binds the running instance, which then continues', async () => {
    const migration = new ProcessTenancy1796689148258();
    const qr = t.dataSource.createQueryRunner();
    try {
      await migration.down(qr);
      await migration.up(qr);
    } finally {
      await qr.release();
    }
    const [root] = await t.dataSource.query('SELECT id FROM agency WHERE parent_id IS NULL');
    const owners = await t.dataSource.query('SELECT DISTINCT agency_id FROM workflow_definition');
    assert.deepEqual(
      owners.map((o: { agency_id: string }) => o.agency_id),
      [root.id],
    );
    const [inst] = await t.dataSource.query(
      'SELECT object_type, object_id FROM workflow_instance WHERE business_key = ? AND parent_instance_id IS NULL',
      [docId],
    );
    assert.deepEqual([inst.object_type, inst.object_id], ['document', docId]);
    // the instance goes on: review → format check → its worker marks the document for signing
    await completeTask(t, 'snv.tp', docId, 'review', { decision: 'approve' });
    await completeTask(t, 'snv.vanthu', docId, 'formatCheck', { decision: 'approve' });
    await findTask(t, 'snv.giamdoc', docId, 'sign');
    await waitFor('status signing', async () => {
      const d = await t.request('GET', `/api/documents/${docId}`, { as: 'snv.cv' });
      return d.body.status === 'signing';
    });
    const incidents = await t.request('GET', '/api/workflow/incidents?state=open', { as: 'admin' });
    assert.deepEqual(incidents.body, []);
  });
});
