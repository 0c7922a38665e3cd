import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowAppliedJobEntity } from '../../src/modules/workflow/workflow-wait.entity.js';
import { fixture, startEngineHarness, type EngineHarness } from './support/engine-harness.js';

describe('embedded engine: service task, FEEL gateway, user task, durable state', () => {
  let h: EngineHarness;
  const calls: { jobKey: string; vars: Record<string, unknown>; headers: Record<string, string> }[] = [];
  before(async () => {
    h = await startEngineHarness();
    h.engine.registerWorker('test.compute', async (job) => {
      calls.push({ jobKey: job.jobKey, vars: job.variables, headers: job.headers });
      return { variables: { amount: Number(job.variables.base) * 2 } };
    });
    const r = await h.engine.deploy(fixture('engine-basic.bpmn'));
    assert.deepEqual([r.processId, r.version, r.changed], ['test-basic', 1, true]);
  });
  after(() => h.close());

  it('given a small amount, when started, then the worker runs once and the default flow ends the instance', async () => {
    const { id } = await h.engine.start({ processId: 'test-basic', variables: { base: 10 } });
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.equal(inst.runtime.vars.amount, 20);
    assert.deepEqual(await h.completed(id), ['start', 'compute', 'gw', 'end']);
    const last = calls.at(-1)!;
    assert.equal(last.headers.kind, 'demo');
    assert.equal(await h.t.dataSource.getRepository(WorkflowAppliedJobEntity).countBy({ jobKey: last.jobKey }), 1);
  });

  it('given a large amount, then a user task waits with FEEL assignment, groups, due date and form; completing it ends the instance', async () => {
    const { id } = await h.engine.start({
      processId: 'test-basic',
      businessKey: 'doc-1',
      variables: { base: 60, reviewer: 'user-7', unitId: 'u-1' },
    });
    assert.equal((await h.instance(id)).state, 'active');
    const task = h.openTask(id, 'review');
    assert.equal(task.assignee, 'user-7');
    assert.deepEqual(task.candidateGroups, ['leader@u-1', 'clerk']);
    assert.equal(task.dueAt?.toISOString(), '2030-01-02T10:00:00.000Z');
    assert.equal(task.formId, 'review-form');
    assert.equal(task.businessKey, 'doc-1');
    assert.equal(task.variables.amount, 120);
    await h.engine.completeUserTask(task.key, { decision: 'approve' }, { by: 'user-7' });
    const done = await h.instance(id);
    assert.equal(done.state, 'completed');
    assert.equal(done.runtime.vars.decision, 'approve');
    const review = (await h.history(id)).find((a) => a.elementId === 'review')!;
    assert.equal(review.by, 'user-7');
    assert.deepEqual(await h.completed(id), ['start', 'compute', 'gw', 'review', 'end']);
  });

  it('given a waiting instance, when the engine cache is dropped, then it recovers from the saved state', async () => {
    const { id } = await h.engine.start({
      processId: 'test-basic',
      variables: { base: 500, reviewer: 'x', unitId: 'u' },
    });
    h.engine.forget(id);
    const task = h.openTask(id, 'review');
    await h.engine.completeUserTask(task.key, { decision: 'return' });
    assert.equal((await h.instance(id)).state, 'completed');
  });

  it('given the same XML, deploying again creates no new version', async () => {
    const r = await h.engine.deploy(fixture('engine-basic.bpmn'));
    assert.deepEqual([r.version, r.changed], [1, false]);
  });
});
