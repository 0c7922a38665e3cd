import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BpmnError, type JobContext, type JobResult } from '../../src/modules/workflow/index.js';
import { WorkflowIncidentEntity, WorkflowTimerEntity } from '../../src/modules/workflow/workflow-wait.entity.js';
import { CORPUS, startEngineHarness, type EngineHarness } from './support/engine-harness.js';

/**
 * Models of /work/shared/zeebe-corpus (MANIFEST.md) run with test workers; each scenario asserts the outcome
 * Zeebe's own tests expect. Models with elements we do not support are refused at deploy with a clear message.
 */
const TYPES = [
  'test',
  'SimpleLog01',
  'a',
  'b',
  'c',
  'runTests',
  'task',
  'task-a',
  'task-b',
  'task-default',
  'throw-bpmn-error-task-2',
  'sad-flow-2',
  'collect-money',
  'fetch-items',
  'ship-parcel',
  'request-tracking-code',
  'archive-invoice',
  'add-invoice-to-accounting',
  'io.camunda:http-json:1',
  'wait',
  'pathA',
  'pathB',
];
const corpus = (name: string) => readFileSync(join(CORPUS, name), 'utf8');

describe('Zeebe compatibility corpus on the embedded engine', () => {
  let h: EngineHarness;
  const calls: { type: string; instance: string; vars: Record<string, unknown> }[] = [];
  const behaviour = new Map<string, (job: JobContext) => Promise<JobResult>>();
  const callsOf = (instance: string, type?: string) =>
    calls.filter((c) => c.instance === instance && (!type || c.type === type));

  before(async () => {
    h = await startEngineHarness();
    for (const type of TYPES)
      h.engine.registerWorker(type, async (job) => {
        calls.push({ type, instance: job.processInstanceId, vars: job.variables });
        return (await behaviour.get(type)?.(job)) ?? undefined;
      });
  });
  after(() => h.close());

  it('#3 looping service task: output mapping counts loops, the gateway loops back until totalLoops', async () => {
    await h.engine.deploy(corpus('zpt-looping-servicetask.bpmn'));
    const { id } = await h.engine.start({ processId: 'looping-servicetask', variables: { totalLoops: 5 } });
    assert.equal(callsOf(id, 'test').length, 5);
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.equal(inst.runtime.vars.loopAmount, 5);
    const two = await h.engine.start({ processId: 'looping-servicetask', variables: { totalLoops: 2 } });
    assert.deepEqual(await h.completed(two.id), [
      'startevent',
      'servicetask',
      'Gateway_0fhwf5d',
      'servicetask',
      'Gateway_0fhwf5d',
      'endevent',
    ]);
  });

  it('#3 a condition that is not boolean (number vs string) raises an incident at the gateway', async () => {
    const { id } = await h.engine.start({
      processId: 'looping-servicetask',
      variables: { totalLoops: 'invalid value' },
    });
    const inst = await h.instance(id);
    assert.equal(inst.state, 'incident');
    const incidents = await h.t.dataSource.getRepository(WorkflowIncidentEntity).findBy({ instanceId: id });
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0].elementId, 'Gateway_0fhwf5d');
  });

  it('#4 parallel timers: the 1 s branch ends with a terminate event, which cancels the 30-day timer', async () => {
    await h.engine.deploy(corpus('zpt-test-timer-events.bpmn'));
    const { id } = await h.engine.start({ processId: 'Process_Timer_Test_01', variables: {} });
    assert.equal((await h.instance(id)).state, 'active');
    assert.equal(await h.t.dataSource.getRepository(WorkflowTimerEntity).countBy({ instanceId: id }), 2);
    h.clock.advance(1500);
    await h.scheduler.runDue();
    assert.equal((await h.instance(id)).state, 'completed');
    assert.equal(await h.t.dataSource.getRepository(WorkflowTimerEntity).countBy({ instanceId: id }), 0);
  });

  it('#5/#6 call activity: the child instance runs and completes, then the parent completes', async () => {
    await h.engine.deploy(corpus('zpt-start-end.bpmn'));
    await h.engine.deploy(corpus('zpt-call-activity.bpmn'));
    const { id } = await h.engine.start({ processId: 'call-activity', variables: {} });
    assert.equal((await h.instance(id)).state, 'completed');
    assert.ok((await h.completed(id)).includes('callactivity'));
  });

  it('#7 message catch with a correlation key: only the matching key correlates', async () => {
    await h.engine.deploy(corpus('zpt-message-event.bpmn'));
    const { id } = await h.engine.start({ processId: 'message-event', variables: { correlationKey: 'key' } });
    await h.engine.publishMessage('message', 'other', {});
    assert.equal((await h.instance(id)).state, 'active');
    await h.engine.publishMessage('message', 'key', { x: 1 });
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.equal(inst.runtime.vars.x, 1);
  });

  it('#10 exclusive gateway with a default flow: x=8 → B, x=3 → C', async () => {
    await h.engine.deploy(corpus('zspec-exclusive-gateway.bpmn'));
    const pid = /<bpmn:process id="([^"]+)"/.exec(corpus('zspec-exclusive-gateway.bpmn'))![1];
    behaviour.set('a', async (job) => ({ variables: { x: job.variables.x } }));
    const big = await h.engine.start({ processId: pid, variables: { x: 8 } });
    assert.ok(callsOf(big.id, 'b').length === 1 && callsOf(big.id, 'c').length === 0);
    const small = await h.engine.start({ processId: pid, variables: { x: 3 } });
    assert.ok(callsOf(small.id, 'c').length === 1 && callsOf(small.id, 'b').length === 0);
    assert.equal((await h.instance(small.id)).state, 'completed');
    behaviour.delete('a');
  });

  it('#11 message then a BPMN error caught by the boundary; message variables go to the process scope', async () => {
    await h.engine.deploy(corpus('zspec-demo2-message-error-boundary.bpmn'));
    behaviour.set('b', async () => {
      throw new BpmnError('error-1');
    });
    const { id } = await h.engine.start({ processId: 'demo2', variables: { key: 'key-1' } });
    await h.engine.publishMessage('message-1', 'key-1', { x: '1' });
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.equal(inst.runtime.vars.x, '1');
    const hist = await h.history(id);
    assert.equal(hist.find((a) => a.elementId === 'Activity_1xr2g5d')!.state, 'terminated');
    assert.equal(hist.find((a) => a.elementId === 'Activity_1g1az2f')!.state, 'completed');
    behaviour.delete('b');
  });

  it('#11b a missing correlation key variable raises an EXTRACT_VALUE_ERROR incident', async () => {
    const { id } = await h.engine.start({ processId: 'demo2', variables: {} });
    const inst = await h.instance(id);
    assert.equal(inst.state, 'incident');
    const inc = await h.t.dataSource.getRepository(WorkflowIncidentEntity).findOneByOrFail({ instanceId: id });
    assert.equal(inc.type, 'EXTRACT_VALUE_ERROR');
    assert.equal(inc.elementId, 'Event_0tf6wgs');
  });

  it('#12 interrupting message boundary on a service task in back-off: A terminated, C runs, x=1', async () => {
    await h.engine.deploy(corpus('zspec-message-boundary-event.bpmn'));
    behaviour.set('a', async () => {
      throw new Error('not now');
    });
    const { id } = await h.engine.start({ processId: 'message-boundary-event', variables: { key: 'key-1' } });
    await h.engine.publishMessage('cancel', 'key-1', { x: 1 });
    behaviour.delete('a');
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.equal(inst.runtime.vars.x, 1);
    assert.equal(callsOf(id, 'c').length, 1);
    assert.equal(callsOf(id, 'b').length, 0);
  });

  it('#14 error thrown inside an embedded sub-process is caught on the sub-process, with output mapping', async () => {
    await h.engine.deploy(corpus('jssdk-throw-error-subprocess.bpmn'));
    behaviour.set('throw-bpmn-error-task-2', async () => {
      throw new BpmnError('BUSINESS_ERROR', 'business', { something: 'someValue' });
    });
    behaviour.set('sad-flow-2', async () => ({ variables: { bpmnErrorCaught: true } }));
    const { id } = await h.engine.start({ processId: 'throw-bpmn-error-2', variables: {} });
    const inst = await h.instance(id);
    assert.equal(inst.state, 'completed');
    assert.equal(inst.runtime.vars.bpmnErrorCaught, true);
    assert.equal(inst.runtime.vars.something, 'someValue');
  });

  it('#17 exclusive gateway takes the first true condition in XML order; #18 inclusive takes every true one', async () => {
    await h.engine.deploy(corpus('libbpmn-exclusive-gateway-multiple-tasks.bpmn'));
    const xpid = /<bpmn:process id="([^"]+)"/.exec(corpus('libbpmn-exclusive-gateway-multiple-tasks.bpmn'))![1];
    const zero = await h.engine.start({ processId: xpid, variables: { price: 0 } });
    assert.deepEqual(
      callsOf(zero.id).map((c) => c.type),
      ['task-a'],
    );
    const neg = await h.engine.start({ processId: xpid, variables: { price: -99 } });
    assert.deepEqual(
      callsOf(neg.id).map((c) => c.type),
      ['task-default'],
    );
    await h.engine.deploy(corpus('libbpmn-inclusive-gateway-multiple-tasks.bpmn'));
    const ipid = /<bpmn:process id="([^"]+)"/.exec(corpus('libbpmn-inclusive-gateway-multiple-tasks.bpmn'))![1];
    const both = await h.engine.start({ processId: ipid, variables: { price: 0 } });
    assert.deepEqual(
      callsOf(both.id)
        .map((c) => c.type)
        .sort(),
      ['task-a', 'task-b'],
    );
    const def = await h.engine.start({ processId: ipid, variables: { price: -1 } });
    assert.deepEqual(
      callsOf(def.id).map((c) => c.type),
      ['task-default'],
    );
  });

  it('#19 parallel fork into an uncontrolled merge runs B once per token', async () => {
    await h.engine.deploy(corpus('libbpmn-fork-uncontrolled-join.bpmn'));
    const { id } = await h.engine.start({ processId: 'fork-uncontrolled-join', variables: {} });
    assert.equal(callsOf(id, 'task').length, 4);
    assert.equal((await h.instance(id)).state, 'completed');
  });

  it('#2 parallel multi-instance sub-process over a FEEL list runs runTests three times', async () => {
    await h.engine.deploy(corpus('zpt-automated-tests.bpmn'));
    const { id } = await h.engine.start({ processId: 'automatedTestsProcess', variables: {} });
    const runs = callsOf(id, 'runTests');
    assert.deepEqual(runs.map((r) => r.vars.operatingSystem).sort(), ['macos', 'ubuntu', 'windows']);
    assert.equal((await h.instance(id)).state, 'completed');
  });

  it('#21 job-based user tasks: static assignee, form key, candidate groups list', async () => {
    await h.engine.deploy(corpus('libbpmn-user-tasks-with-assignments.bpmn'));
    const { id } = await h.engine.start({ processId: 'user-tasks-with-assignments', variables: {} });
    const first = h.openTask(id, 'assignee-task');
    assert.equal(first.assignee, 'john.doe');
    assert.equal(first.formId, 'form-key');
    await h.engine.completeUserTask(first.key, {});
    const second = h.openTask(id, 'group-task');
    assert.deepEqual(second.candidateGroups, ['sales', 'marketing', 'support']);
    await h.engine.completeUserTask(second.key, {});
    assert.equal((await h.instance(id)).state, 'completed');
  });

  it('#24 invoice approval: FEEL assignee, approve path with input mapping', async () => {
    await h.engine.deploy(corpus('cpt-invoice-approval.bpmn'));
    const vars = {
      approver: 'Zee',
      invoice: { id: 'INV-1001', amount: 12000, currency: 'EUR', supplier: { id: '0815', name: 'Acme GmbH' } },
    };
    const { id } = await h.engine.start({ processId: 'Process_InvoiceApproval', variables: vars });
    const task = h.openTask(id, 'UserTask_ApproveInvoice');
    assert.equal(task.assignee, 'Zee');
    await h.engine.completeUserTask(task.key, { approved: true });
    assert.equal(callsOf(id, 'add-invoice-to-accounting')[0].vars.invoiceId, 'INV-1001');
    assert.deepEqual(await h.completed(id), [
      'StartEvent_InvoiceReceived',
      'UserTask_ApproveInvoice',
      'Gateway_Approved',
      'ServiceTask_ArchiveInvoice',
      'ServiceTask_AddInvoiceAccounting',
      'EndEvent_InvoiceApproved',
    ]);
  });

  it('#24 invoice approval: the 5-day interrupting timer on the user task fires from our scheduler', async () => {
    const { id } = await h.engine.start({
      processId: 'Process_InvoiceApproval',
      variables: { approver: 'Zee', invoice: { id: 'INV-2' } },
    });
    const task = h.openTask(id, 'UserTask_ApproveInvoice');
    h.clock.advance(5 * 86400_000 + 1000);
    await h.scheduler.runDue();
    assert.equal((await h.instance(id)).state, 'completed');
    assert.ok(h.cancelled.some((c) => c.key === task.key && c.reason === 'interrupted'));
    const hist = await h.history(id);
    assert.equal(hist.find((a) => a.elementId === 'UserTask_ApproveInvoice')!.state, 'terminated');
  });

  it('#24 invoice approval: archive error → manual archive user task for the archive-team group', async () => {
    behaviour.set('archive-invoice', async () => {
      throw new BpmnError('LEGACY_ERROR_ARCHIVE');
    });
    const { id } = await h.engine.start({
      processId: 'Process_InvoiceApproval',
      variables: { approver: 'Zee', invoice: { id: 'INV-3' } },
    });
    await h.engine.completeUserTask(h.openTask(id, 'UserTask_ApproveInvoice').key, { approved: true });
    const manual = h.openTask(id, 'UserTask_ManuallyArchiveInvoice');
    assert.deepEqual(manual.candidateGroups, ['archive-team']);
    await h.engine.completeUserTask(manual.key, {});
    assert.equal((await h.instance(id)).state, 'completed');
    behaviour.delete('archive-invoice');
  });

  it('#25 order process: receive task correlates on shipping_id; the 2-day non-interrupting timer only reminds', async () => {
    await h.engine.deploy(corpus('cpt-order-process.bpmn'));
    behaviour.set('ship-parcel', async () => ({ variables: { shipping_id: 'shipping-1' } }));
    const reminder = await h.engine.start({ processId: 'order-process', variables: { order_id: 'order-2' } });
    h.clock.advance(2 * 86400_000 + 1000);
    await h.scheduler.runDue();
    assert.equal(callsOf(reminder.id, 'request-tracking-code').length, 1);
    assert.equal((await h.instance(reminder.id)).state, 'active');
    await h.engine.publishMessage('Received tracking code', 'shipping-1', { tracking_code: 'tracking-1' });
    const done = await h.instance(reminder.id);
    assert.equal(done.state, 'completed');
    assert.equal(done.runtime.vars.tracking_code, 'tracking-1');
    behaviour.delete('ship-parcel');
  });

  for (const [file, element] of [
    ['jssdk-signal-start.bpmn', 'signal'],
    ['jssdk-signal-intermediate-catch.bpmn', 'signal'],
    ['libbpmn-event-based-gateway-timer-message.bpmn', 'event-based gateway'],
    ['zpt-pr-created.bpmn', 'event-based gateway'],
    ['ppanel-escalation.bpmn', 'escalation'],
    ['zplay-solos-transport-process.bpmn', 'not supported'],
    ['bench-msg-process.bpmn', 'not supported'],
    ['lint-signal-throw-catch.bpmn', 'signal'],
  ] as const)
    it(`refuses ${file} at deploy, naming the unsupported element`, async () => {
      await assert.rejects(
        h.engine.deploy(corpus(file)),
        (e: { code: string; details: { errors: { message: string; elementId?: string }[] } }) => {
          assert.equal(e.code, 'BPMN_INVALID');
          const text = e.details.errors.map((x) => `${x.elementId}: ${x.message}`).join('\n');
          assert.match(text, new RegExp(element, 'i'), text);
          return true;
        },
      );
    });
});
