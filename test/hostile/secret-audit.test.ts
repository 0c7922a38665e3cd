import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { receiveIncoming, waitFor } from '../e2e/dossiers-support.js';
import { findTask } from '../support/tasks.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const TITLE = 'Hồ sơ MATHOSO3319 về nhân sự';
const FILE = 'MATFILE8812.txt';

interface Entry {
  action: string;
  entityType: string;
  entityId: string | null;
  data: unknown;
  redacted?: boolean;
}

/**
 * Issue 22, item 4: the audit log redacts every entry about a secret record — a dossier (its title was shown by
 * `dossier.opened`), a document, their tasks and files (a task attachment's name) — for an administrator who
 * cannot read it: the entry stays (what, when, who), its object and data do not.
 */
describe('the audit log redacts secret dossiers, documents and their files', () => {
  let t: TestApp;
  let dossierId: string;
  let docId: string;
  let taskId: string;
  const audit = async (as: string, query = '') => {
    const res = await t.request('GET', `/api/audit?limit=500${query}`, { as });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Entry[];
  };

  before(async () => {
    t = await startTestApp();
    const d = await t.request('POST', '/api/dossiers', {
      as: 'snv.cv',
      body: { title: TITLE, notation: '99.TCCB', retention: '10', secrecy: 'secret' },
    });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    dossierId = d.body.id;
    docId = await receiveIncoming(t, 'Về việc nhân sự (mật)', { secrecy: 'secret' });
    taskId = (await waitFor('the handling task', () => findTask(t, 'snv.cv', docId, 'handle'))).id;
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('bao cao')], { type: 'text/plain' }), FILE);
    const res = await fetch(`${t.url}/api/tasks/${taskId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('snv.cv')}` },
      body: form,
    });
    assert.equal(res.status, 201);
  });
  after(() => t?.close());

  it('control: the administrator gets 404 on the dossier and the document', async () => {
    assert.equal((await t.request('GET', `/api/dossiers/${dossierId}`, { as: 'snv.admin' })).status, 404);
    assert.equal((await t.request('GET', `/api/documents/${docId}`, { as: 'snv.admin' })).status, 404);
  });

  it('shows him the entries redacted: no title, no file name, no ids', async () => {
    const entries = await audit('snv.admin');
    const text = JSON.stringify(entries);
    for (const secret of [TITLE, 'MATHOSO3319', FILE, dossierId, docId, taskId])
      assert.ok(!text.includes(secret), `the audit log shows ${secret}`);
    const opened = entries.find((e) => e.action === 'dossier.opened' && e.redacted);
    assert.ok(opened, 'the opening is still listed, redacted');
    assert.equal(opened.entityId, null);
    assert.equal(opened.data, null);
    assert.ok(entries.some((e) => e.action === 'task.attached' && e.redacted));
    // asked for by the secret id: nothing
    assert.deepEqual(await audit('snv.admin', `&entityId=${dossierId}`), []);
    const ofTask = await audit('snv.admin', `&entityId=${taskId}`);
    assert.ok(ofTask.length && ofTask.every((e) => e.redacted && e.data === null), JSON.stringify(ofTask));
  });

  it('a reader who administers sees them whole', async () => {
    // the province administrator is no reader either; the dossier's creator is not an administrator, so the
    // control is that ordinary entries of the agency stay whole for the administrator
    const entries = await audit('snv.admin');
    assert.ok(entries.some((e) => e.action === 'auth.login' && !e.redacted && e.entityId));
  });
});
