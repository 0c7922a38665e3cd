import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowInstanceEntity } from '../../src/modules/workflow/workflow-instance.entity.js';
import {
  WorkflowIncidentEntity,
  WorkflowJobEntity,
  WorkflowTimerEntity,
} from '../../src/modules/workflow/workflow-wait.entity.js';
import { fixture, startEngineHarness, type EngineHarness } from './support/engine-harness.js';

const HOUR = 3600_000;

describe('embedded engine constructs (fixtures under test/processes/fixtures)', () => {
  let h: EngineHarness;
  const seen: Record<string, unknown[]> = { notify: [], remind: [], tick: [], sub: [], flaky: [] };
  let flakyFailures = 0;
  before(async () => {
    h = await startEngineHarness();
    h.engine.registerWorker('test.notify', async (job) => {
      seen.notify.push(job.variables.o);
      return { variables: { receipt: `ok-${(job.variables.o as { who: string }).who}` } };
    });
    h.engine.registerWorker('test.remind', async (job) => void seen.remind.push(job.processInstanceId));
    h.engine.registerWorker('test.tick', async (job) => void seen.tick.push(job.processInstanceId));
    h.engine.registerWorker('test.sub', async (job) => {
      seen.sub.push(job.variables.scaled);
      return {};
    });
    h.engine.registerWorker('test.flaky', async () => {
      if (flakyFailures > 0) {
        flakyFailures--;
        throw new Error('service unavailable');
      }
      seen.flaky.push(1);
      return { variables: { flakyDone: true } };
    });
    for (const f of ['consult', 'consult-deadline', 'deadline', 'tick', 'flaky', 'child', 'parent'])
      await h.engine.deploy(fixture(`engine-${f}.bpmn`));
  });
  after(() => h.close());

  it('parallel multi-instance user tasks (consultation) collect outputs; a sequential MI service task follows', async () => {
    const { id } = await h.engine.start({ processId: 'test-consult', variables: { consultees: ['u1', 'u2', 'u3'] } });
    const open = [...h.tasks.values()].filter((t) => t.processInstanceId === id);
    assert.deepEqual(open.map((t) => t.assignee).sort(), ['u1', 'u2', 'u3']);
    for (const t of open.reverse()) await h.engine.completeUserTask(t.key, { answer: `yes from ${t.assignee}` });
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.deepEqual(inst.runtime.vars.opinions, [
      { who: 'u1', said: 'yes from u1' },
      { who: 'u2', said: 'yes from u2' },
      { who: 'u3', said: 'yes from u3' },
    ]);
    assert.deepEqual(inst.runtime.vars.receipts, ['ok-u1', 'ok-u2', 'ok-u3']);
    assert.equal(seen.notify.length, 3);
    // completed iterations are never reported cancelled (the activity ending does not interrupt them)
    assert.deepEqual(
      h.cancelled.filter((c) => open.some((t) => t.key === c.key)),
      [],
    );
  });

  it('an empty collection skips the multi-instance activity', async () => {
    const { id } = await h.engine.start({ processId: 'test-consult', variables: { consultees: [] } });
    assert.equal((await h.instance(id)).state, 'completed');
  });

  it('non-interrupting timer on a user task reminds; the timeDate deadline interrupts it', async () => {
    const deadline = new Date(h.clock.now().getTime() + 5 * HOUR).toISOString();
    const { id } = await h.engine.start({
      processId: 'test-deadline',
      variables: { remindAfter: 'PT1H', deadline, docId: 'd-1' },
    });
    const task = h.openTask(id, 'handle');
    assert.deepEqual(task.candidateGroups, ['staff']);
    h.clock.advance(HOUR + 1000);
    await h.scheduler.runDue();
    assert.deepEqual(seen.remind, [id]);
    assert.ok(h.timerFired.some((f) => f.key === task.key && f.timerElementId === 'reminder'));
    assert.equal((await h.instance(id)).state, 'active');
    h.clock.advance(4 * HOUR);
    await h.scheduler.runDue();
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.ok(h.cancelled.some((c) => c.key === task.key && c.reason === 'interrupted'));
    assert.ok((await h.completed(id)).includes('escalated'));
    assert.equal(await h.t.dataSource.getRepository(WorkflowTimerEntity).countBy({ instanceId: id }), 0);
  });

  it('completing the task in time leads to an intermediate 2-hour timer, fired by the scheduler after a restart of the cache', async () => {
    const deadline = new Date(h.clock.now().getTime() + 50 * HOUR).toISOString();
    const { id } = await h.engine.start({
      processId: 'test-deadline',
      variables: { remindAfter: 'P1D', deadline, docId: 'd-2' },
    });
    await h.engine.completeUserTask(h.openTask(id, 'handle').key, {});
    const timers = await h.t.dataSource.getRepository(WorkflowTimerEntity).findBy({ instanceId: id });
    assert.deepEqual(
      timers.map((t) => t.elementId),
      ['pause'],
    );
    assert.equal(timers[0].dueAt.getTime(), h.clock.now().getTime() + 2 * HOUR);
    h.engine.forget(id);
    h.clock.advance(HOUR);
    assert.equal(await h.scheduler.runDue(), 0);
    h.clock.advance(HOUR);
    await h.scheduler.runDue();
    assert.equal((await h.instance(id)).state, 'completed');
  });

  it('an interrupting message boundary on the user task withdraws it', async () => {
    const deadline = new Date(h.clock.now().getTime() + 50 * HOUR).toISOString();
    const { id } = await h.engine.start({
      processId: 'test-deadline',
      variables: { remindAfter: 'P1D', deadline, docId: 'd-3' },
    });
    await h.engine.publishMessage('withdrawn', 'd-3', { reason: 'duplicate' });
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.equal(inst.runtime.vars.reason, 'duplicate');
    assert.ok((await h.completed(id)).includes('withdrawnEnd'));
  });

  it('a deadline on a multi-instance user task ends every open iteration as interrupted, once', async () => {
    const deadline = new Date(h.clock.now().getTime() + 5 * HOUR).toISOString();
    const { id } = await h.engine.start({
      processId: 'test-consult-deadline',
      variables: { consultees: ['u1', 'u2', 'u3'], deadline },
    });
    const open = [...h.tasks.values()].filter((t) => t.processInstanceId === id);
    assert.deepEqual(open.map((t) => t.assignee).sort(), ['u1', 'u2', 'u3']);
    // the raw evaluated dueDate reaches the listener (the tasks module counts it in working days)
    assert.ok(open.every((t) => t.dueDate === 'P3D' && t.dueAt === null));
    const answered = open.find((t) => t.assignee === 'u2')!;
    await h.engine.completeUserTask(answered.key, { answer: 'yes' });
    await assert.rejects(h.engine.completeUserTask(answered.key, {}), { code: 'NOT_FOUND' });
    h.engine.forget(id); // the deadline fires from the stored state
    h.clock.advance(5 * HOUR + 1000);
    await h.scheduler.runDue();
    assert.equal((await h.instance(id)).state, 'completed');
    assert.ok((await h.completed(id)).includes('closed'));
    // the instance ends in the same step, yet each waiting iteration is reported interrupted exactly once
    const reported = h.cancelled.filter((c) => open.some((t) => t.key === c.key));
    assert.deepEqual(reported.map((c) => [open.find((t) => t.key === c.key)!.assignee, c.reason]).sort(), [
      ['u1', 'interrupted'],
      ['u3', 'interrupted'],
    ]);
  });

  it('a timer start event with a cycle R2/PT1H creates one instance per hour, twice', async () => {
    h.clock.advance(HOUR + 1);
    await h.scheduler.runDue();
    h.clock.advance(HOUR + 1);
    await h.scheduler.runDue();
    h.clock.advance(HOUR + 1);
    await h.scheduler.runDue();
    const ticks = await h.t.dataSource.getRepository(WorkflowInstanceEntity).findBy({ processId: 'test-tick' });
    assert.equal(ticks.length, 2);
    assert.ok(ticks.every((t) => t.state === 'completed'));
  });

  it('a failing worker is retried with back-off, then becomes an incident that a retry resolves', async () => {
    flakyFailures = 5;
    const { id } = await h.engine.start({ processId: 'test-flaky', variables: {} });
    const jobs = h.t.dataSource.getRepository(WorkflowJobEntity);
    let job = await jobs.findOneByOrFail({ instanceId: id });
    assert.deepEqual([job.state, job.retries], ['pending', 1]);
    assert.match(job.lastError!, /service unavailable/);
    await h.scheduler.runDue();
    assert.equal(flakyFailures, 4, 'not retried before its back-off');
    h.clock.advance(11_000);
    await h.scheduler.runDue();
    job = await jobs.findOneByOrFail({ instanceId: id });
    assert.deepEqual([job.state, job.retries], ['incident', 0]);
    const inc = await h.t.dataSource.getRepository(WorkflowIncidentEntity).findOneByOrFail({ instanceId: id });
    assert.deepEqual([inc.type, inc.elementId, inc.state], ['JOB_NO_RETRIES', 'flaky', 'open']);
    assert.equal((await h.instance(id)).state, 'incident');
    flakyFailures = 0;
    await h.engine.tx.run((m) => h.engine.retryIncident(m, inc));
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.equal(inst.runtime.vars.flakyDone, true);
    assert.equal(await jobs.countBy({ instanceId: id }), 0);
  });

  it('call activity (FEEL process id) in parallel with an embedded sub-process with I/O mappings', async () => {
    const { id } = await h.engine.start({
      processId: 'test-parent',
      variables: { childId: 'test-child', approver: 'boss', base: 4 },
    });
    assert.deepEqual(seen.sub, [40]);
    const childTask = [...h.tasks.values()].find((t) => t.processId === 'test-child')!;
    assert.equal(childTask.assignee, 'boss');
    const child = await h.instance(childTask.processInstanceId);
    assert.equal(child.parentInstanceId, id);
    await h.engine.completeUserTask(childTask.key, { approvedInChild: true });
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.equal(inst.runtime.vars.approvedInChild, true);
    assert.equal(inst.runtime.vars.subResult, 41);
    assert.equal(inst.runtime.vars.scaled, undefined, 'input mappings stay local');
  });

  it('cancelling a parent cancels its child and reports open user tasks as cancelled', async () => {
    const { id } = await h.engine.start({
      processId: 'test-parent',
      variables: { childId: 'test-child', approver: 'x', base: 1 },
    });
    const childTask = [...h.tasks.values()].find(
      (t) => t.processId === 'test-child' && !h.cancelled.some((c) => c.key === t.key),
    )!;
    await h.engine.cancel(id, 'admin-1');
    assert.equal((await h.instance(id)).state, 'cancelled');
    assert.equal((await h.instance(childTask.processInstanceId)).state, 'cancelled');
    assert.ok(h.cancelled.some((c) => c.key === childTask.key && c.reason === 'instance-cancelled'));
    await assert.rejects(h.engine.completeUserTask(childTask.key, {}), { code: 'NOT_FOUND' });
  });
});
