import assert from 'node:assert/strict';
import type { TestApp } from './test-app.js';

export interface OpenTask {
  id: string;
  elementId: string;
  businessKey: string;
  assigneeId?: string | null;
}

/** The open task of `elementId` for `businessKey` that `as` can see (own or group), waiting for the engine. */
export async function findTask(t: TestApp, as: string, businessKey: string, elementId: string): Promise<OpenTask> {
  for (let i = 0; i < 150; i++) {
    for (const scope of ['mine', 'group']) {
      const r = await t.request<OpenTask[]>('GET', `/api/tasks?scope=${scope}&state=open`, { as });
      const hit = Array.isArray(r.body)
        ? r.body.find((x) => x.businessKey === businessKey && x.elementId === elementId)
        : undefined;
      if (hit) return hit;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`no open task ${elementId} for ${businessKey} visible to ${as}`);
}

/** Finds, claims when it is a group task, and completes the task through the public API. */
export async function completeTask(
  t: TestApp,
  as: string,
  businessKey: string,
  elementId: string,
  variables: Record<string, unknown> = {},
): Promise<void> {
  const task = await findTask(t, as, businessKey, elementId);
  if (!task.assigneeId) {
    const claim = await t.request('POST', `/api/tasks/${task.id}/claim`, { as });
    assert.ok(claim.status < 300, `claim ${elementId}: ${claim.status} ${JSON.stringify(claim.body)}`);
  }
  const r = await t.request('POST', `/api/tasks/${task.id}/complete`, { as, body: { variables } });
  assert.ok(r.status < 300, `complete ${elementId}: ${r.status} ${JSON.stringify(r.body)}`);
}
