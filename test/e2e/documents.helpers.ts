import assert from 'node:assert/strict';
import { WorkflowEngine } from '../../src/modules/workflow/index.js';
import type { TestApp } from '../support/test-app.js';

/** Shared steps of the documents journeys: everything goes through the public API. */
export function docsApi(t: TestApp) {
  const ids = new Map<string, { id: string; agencyId: string; unitId: string | null }>();
  const me = async (username: string) => {
    let u = ids.get(username);
    if (!u) {
      const res = await t.request('GET', '/api/auth/me', { as: username });
      assert.equal(res.status, 200, `me ${username}`);
      u = { id: res.body.id, agencyId: res.body.agencyId, unitId: res.body.unitId ?? null };
      ids.set(username, u);
    }
    return u;
  };
  const idle = () => t.app.get(WorkflowEngine).idle(20_000);

  /** The open task of the document at this step, as the user sees it (mine or group). */
  const task = async (as: string, documentId: string, elementId: string) => {
    await idle();
    for (const scope of ['mine', 'group']) {
      const res = await t.request('GET', `/api/tasks?scope=${scope}&state=open`, { as });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const found = (res.body.items ?? res.body).find(
        (x: { businessKey: string; elementId: string }) => x.businessKey === documentId && x.elementId === elementId,
      );
      if (found) return found as { id: string; assigneeId: string | null; dueAt: string | null };
    }
    return null;
  };

  const complete = async (
    as: string,
    documentId: string,
    elementId: string,
    variables: Record<string, unknown> = {},
  ) => {
    const found = await task(as, documentId, elementId);
    assert.ok(found, `${as} has no open task ${elementId} for ${documentId}`);
    if (!found.assigneeId) {
      const claim = await t.request('POST', `/api/tasks/${found.id}/claim`, { as });
      assert.equal(claim.status, 200, JSON.stringify(claim.body));
    }
    const res = await t.request('POST', `/api/tasks/${found.id}/complete`, { as, body: { variables } });
    assert.ok(
      res.status === 200 || res.status === 201,
      `${elementId} by ${as}: ${res.status} ${JSON.stringify(res.body)}`,
    );
    await idle();
    return res;
  };

  const doc = async (as: string, id: string) => {
    const res = await t.request('GET', `/api/documents/${id}`, { as });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  const upload = async (
    as: string,
    path: string,
    fields: Record<string, string>,
    file?: { name: string; type: string; content: Buffer },
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append('file', new Blob([file.content], { type: file.type }), file.name);
    const res = await fetch(t.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token(as)}` },
      body: form,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  const bytes = async (as: string, path: string) => {
    const res = await fetch(t.url + path, { headers: { authorization: `Bearer ${await t.token(as)}` } });
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  };

  return { me, idle, task, complete, doc, upload, bytes };
}
