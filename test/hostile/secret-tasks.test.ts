import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { receiveIncoming, waitFor } from '../e2e/dossiers-support.js';
import { findTask } from '../support/tasks.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MARKER = 'TASKMAT7781';
const COMMENT = 'Ý kiến xử lý MATCOMMENT5521';

/**
 * Issue 22, item 2: the head of the handling unit sees every task of the unit, but a top-secret incoming
 * document's handling task reaches him as a redacted row only ("Văn bản mật"): no subject, no document id, and
 * its detail, comments, attachments and history are "not found" — as the document itself is.
 */
describe('tasks of secret documents stay with the readers', () => {
  let t: TestApp;
  let docId: string;
  let taskId: string;
  let attachmentId: string;

  before(async () => {
    t = await startTestApp();
    docId = await receiveIncoming(t, `Về việc bảo vệ bí mật ${MARKER}`, { secrecy: 'top-secret' });
    const task = await waitFor('the handling task', () => findTask(t, 'snv.cv', docId, 'handle'));
    taskId = task.id;
    const c = await t.request('POST', `/api/tasks/${taskId}/comments`, { as: 'snv.cv', body: { text: COMMENT } });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const form = new FormData();
    form.append('file', new Blob([Buffer.from(`noi dung ${MARKER}`)], { type: 'text/plain' }), 'bao-cao.txt');
    const res = await fetch(`${t.url}/api/tasks/${taskId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('snv.cv')}` },
      body: form,
    });
    assert.equal(res.status, 201);
    attachmentId = ((await res.json()) as { id: string }).id;
  });
  after(() => t?.close());

  it('control: the unit head is not a reader of the document (404), the handler is', async () => {
    assert.equal((await t.request('GET', `/api/documents/${docId}`, { as: 'snv.tp' })).status, 404);
    assert.equal((await t.request('GET', `/api/documents/${docId}`, { as: 'snv.cv' })).status, 200);
    const own = await t.request('GET', `/api/tasks/${taskId}`, { as: 'snv.cv' });
    assert.equal(own.status, 200);
    assert.ok(own.body.subject.includes(MARKER));
    assert.equal((await t.request('GET', `/api/tasks/${taskId}/comments`, { as: 'snv.cv' })).body[0].text, COMMENT);
  });

  it('lists and the board show the unit head a redacted row: that the work exists, nothing of the document', async () => {
    const all = await t.request('GET', '/api/tasks?scope=all', { as: 'snv.tp' });
    assert.equal(all.status, 200);
    const row = all.body.find((x: { id: string }) => x.id === taskId);
    assert.ok(row, 'the unit head still sees that his unit has this work');
    assert.equal(row.redacted, true);
    assert.equal(row.subject, null);
    assert.equal(row.businessKey, null);
    const board = await t.request('GET', '/api/tasks/board', { as: 'snv.tp' });
    assert.equal(board.status, 200);
    const cell = board.body.tasks.find((x: { id: string }) => x.id === taskId);
    assert.ok(cell);
    assert.equal(cell.redacted, true);
    for (const path of [
      '/api/tasks?scope=all',
      '/api/tasks?scope=all&state=done',
      '/api/tasks/board',
      '/api/tasks/counts',
    ]) {
      const text = JSON.stringify((await t.request('GET', path, { as: 'snv.tp' })).body);
      assert.ok(!text.includes(MARKER) && !text.includes(docId), `${path} leaks the secret document`);
    }
  });

  it('detail, comments, attachments, history, download, claim and reassignment are not found for him', async () => {
    for (const suffix of ['', '/comments', '/attachments', '/history', `/attachments/${attachmentId}`]) {
      const res = await t.request('GET', `/api/tasks/${taskId}${suffix}`, { as: 'snv.tp' });
      assert.equal(res.status, 404, `GET /api/tasks/:id${suffix} → ${res.status}`);
      assert.ok(!JSON.stringify(res.body).includes(MARKER));
    }
    const cv2 = (await t.request('GET', '/api/auth/me', { as: 'snv.cv2' })).body.id;
    for (const [path, body] of [
      ['/comments', { text: 'chen ngang' }],
      ['/claim', {}],
      ['/reassign', { userId: cv2 }],
      ['/complete', { variables: {} }],
    ] as const) {
      const res = await t.request('POST', `/api/tasks/${taskId}${path}`, { as: 'snv.tp', body });
      assert.equal(res.status, 404, `POST /api/tasks/:id${path} → ${res.status}`);
    }
  });

  it('the readers (the leader who directed it) still see it whole', async () => {
    const res = await t.request('GET', `/api/tasks/${taskId}`, { as: 'snv.giamdoc' });
    assert.equal(res.status, 200);
    assert.ok(res.body.subject.includes(MARKER));
    const all = await t.request('GET', '/api/tasks?scope=all', { as: 'snv.giamdoc' });
    const row = all.body.find((x: { id: string }) => x.id === taskId);
    assert.ok(row && !row.redacted && row.businessKey === docId);
  });

  it('mail about it carries no subject', async () => {
    const rows: { data: string }[] = await t.dataSource.query('SELECT data FROM notification');
    assert.ok(!rows.some((r) => String(r.data).includes(MARKER)));
  });
});
