import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EntityManager } from 'typeorm';
import { createCamundaClientLoose } from '@camunda8/orchestration-cluster-api';
import { Clock } from '../../src/common/clock.js';
import { TransactionService } from '../../src/database/transaction.service.js';
import { DefinitionStore } from '../../src/modules/workflow/engine/embedded/definition-store.js';
import {
  USER_TASK_LISTENER_TYPE,
  ZeebeWorkflowEngine,
  type OrchestrationClient,
} from '../../src/modules/workflow/engine/zeebe/zeebe-engine.js';
import { BpmnError, type UserTaskInfo } from '../../src/modules/workflow/index.js';
import { WorkflowAppliedJobEntity } from '../../src/modules/workflow/workflow-wait.entity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { CamundaStandIn } from './support/camunda-standin.js';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'processes', 'fixtures');
const until = async (what: string, cond: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * The Zeebe adapter on the wire, against a STAND-IN for a Camunda 8.8 cluster (test/processes/support/
 * camunda-standin.ts; no broker can run here). The adapter's client is the SDK's Orchestration Cluster API client
 * with strict validation of requests and responses against the schemas generated from Camunda 8.8's OpenAPI
 * description, so every call hoso makes, and every answer it accepts, has the published shape.
 */
describe('Zeebe adapter against a Camunda 8.8 REST stand-in', () => {
  let t: TestApp;
  let broker: CamundaStandIn;
  let zeebe: ZeebeWorkflowEngine;
  const created: UserTaskInfo[] = [];
  const cancelled: string[] = [];
  const checks: Record<string, unknown>[] = [];

  before(async () => {
    t = await startTestApp();
    broker = new CamundaStandIn();
    const url = await broker.start();
    // the client @camunda8/sdk hands the adapter (getOrchestrationClusterApiClientLoose), built here directly so
    // that strict validation of requests and responses is on
    const config = {
      CAMUNDA_REST_ADDRESS: url,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_SDK_VALIDATION: 'req:strict,res:strict',
      CAMUNDA_SDK_LOG_LEVEL: 'silent',
    } as const;
    zeebe = new ZeebeWorkflowEngine(
      t.app.get(TransactionService),
      t.app.get(DefinitionStore),
      t.app.get(Clock),
      () => createCamundaClientLoose({ config: config as any }) as unknown as OrchestrationClient,
      { pollTimeoutMs: 1000, messageTtlMs: 60_000 },
    );
    zeebe.registerWorker('test.wire-check', async (job) => {
      checks.push(job.variables);
      if (job.variables.reject) throw new BpmnError('REJECTED', 'không hợp lệ', { reason: 'thiếu chữ ký' });
      if (job.variables.flaky && checks.filter((c) => c.flaky).length < 2) throw new Error('tạm thời lỗi');
      return { variables: { checked: true, header: job.headers.kind } };
    });
    zeebe.onUserTask({
      created: async (task: UserTaskInfo, _m: EntityManager) => void created.push(task),
      cancelled: async (key: string) => void cancelled.push(key),
    });
  });
  after(async () => {
    zeebe.stopWorkers();
    await new Promise((r) => setTimeout(r, 200)); // jobs in flight answer before the stand-in goes away
    await broker.stop();
    await t.close();
  });

  it('deploys the BPMN and its form in one deployment, for the tenant, with hoso listeners on every user task', async () => {
    const xml = readFileSync(join(FIXTURES, 'zeebe-wire.bpmn'), 'utf8');
    const form = readFileSync(join(FIXTURES, 'zeebe-wire-review.form'), 'utf8');
    const res = await zeebe.deploy(xml, { resources: [{ name: 'wire-review.form', content: form }], tenantId: 'H42' });
    assert.equal(res.processId, 'zeebe-wire');
    assert.equal(broker.deployments.length, 1);
    const [d] = broker.deployments;
    assert.equal(d.tenantId, 'H42');
    assert.deepEqual(d.resources.map((r) => r.name).sort(), ['wire-review.form', 'zeebe-wire.bpmn']);
    const sent = broker.deployedXml('zeebe-wire')!;
    for (const ev of ['creating', 'assigning', 'completing', 'canceling'])
      assert.match(sent, new RegExp(`eventType="${ev}" retries="3" type="${USER_TASK_LISTENER_TYPE}"`));
    assert.match(sent, /<zeebe:userTask \/>/, 'the user task stays a Camunda user task');
    await until('the broker to parse it', () => broker.instances.size === 0 && !!broker.deployedXml('zeebe-wire'));
  });

  it('runs a service job once, learns the user task from its creating listener, assigns and completes it over REST', async () => {
    const { id } = await zeebe.start({
      processId: 'zeebe-wire',
      businessKey: 'doc-1',
      variables: { dueAt: '2030-01-02T03:04:05Z' },
      tenantId: 'H42',
    });
    assert.equal(broker.instances.get(id)?.tenantId, 'H42');
    await until('the user task in hoso', () => created.some((c) => c.processInstanceId === id));
    const task = created.find((c) => c.processInstanceId === id)!;
    assert.equal(task.name, 'Xem xét đề nghị');
    assert.equal(task.elementId, 'review');
    assert.equal(task.businessKey, 'doc-1');
    assert.deepEqual(task.candidateGroups, ['unit-head']);
    assert.equal(task.dueAt?.toISOString(), '2030-01-02T03:04:05.000Z');
    assert.equal(task.variables.checked, true, 'the service job completed with its output');
    assert.equal(task.variables.header, 'wire');
    assert.equal(checks.length, 1);
    // the creating listener was applied in hoso's database, once
    const listenerJobs = [...broker.jobs.values()].filter((j) => j.instanceKey === id && j.kind === 'TASK_LISTENER');
    assert.equal(listenerJobs.length, 1);
    await until('the creating listener job completed', () => listenerJobs[0].state === 'done');
    assert.equal(
      await t.dataSource.getRepository(WorkflowAppliedJobEntity).countBy({ jobKey: `zeebe:${listenerJobs[0].jobKey}` }),
      1,
    );
    await zeebe.assignUserTask(task.key, 'snv.tp');
    await until('the assignment', () => broker.userTasks.get(task.key)?.assignee === 'snv.tp');
    await zeebe.completeUserTask(task.key, { approved: true });
    await until('the message catch', () => broker.instances.get(id)!.visited.includes('wait-received'));
    const listenerEvents = [...broker.jobs.values()]
      .filter((j) => j.instanceKey === id && j.kind === 'TASK_LISTENER')
      .map((j) => j.listenerEventType);
    assert.deepEqual(listenerEvents, ['CREATING', 'ASSIGNING', 'COMPLETING']);
    assert.ok(
      broker.calls.some((c) => c.path === `/v2/user-tasks/${task.key}/completion` && c.body.variables.approved),
    );
    // the message finds its waiting instance
    await zeebe.publishMessage('wire-received', 'doc-1', { receivedBy: 'văn thư' });
    assert.equal(broker.instances.get(id)!.state, 'COMPLETED');
    assert.equal(broker.instances.get(id)!.variables.receivedBy, 'văn thư');
  });

  it('publishes messages with a time-to-live: one sent before its catch event waits for it; ttl 0 is dropped', async () => {
    await zeebe.publishMessage('wire-received', 'doc-early', { early: true });
    const pub = broker.calls.filter((c) => c.path === '/v2/messages/publication').at(-1)!;
    assert.equal(Number(pub.body.timeToLive), 60_000);
    await zeebe.publishMessage('wire-received', 'doc-late', {}, { timeToLiveMs: 0 });
    const early = await zeebe.start({ processId: 'zeebe-wire', businessKey: 'doc-early', variables: {} });
    const late = await zeebe.start({ processId: 'zeebe-wire', businessKey: 'doc-late', variables: {} });
    for (const id of [early.id, late.id]) {
      await until('its task', () => created.some((c) => c.processInstanceId === id));
      await zeebe.completeUserTask(created.find((c) => c.processInstanceId === id)!.key, { approved: true });
    }
    await until('the buffered message', () => broker.instances.get(early.id)!.state === 'COMPLETED');
    assert.equal(broker.instances.get(early.id)!.variables.early, true);
    await until('the late one at its catch', () => broker.instances.get(late.id)!.visited.includes('wait-received'));
    assert.equal(broker.instances.get(late.id)!.state, 'ACTIVE', 'a message with ttl 0 was not kept');
  });

  it("a worker's BpmnError is thrown as a BPMN error and caught by the boundary event", async () => {
    const { id } = await zeebe.start({ processId: 'zeebe-wire', businessKey: 'doc-2', variables: { reject: true } });
    await until('the error path', () => broker.instances.get(id)!.state !== 'ACTIVE');
    const inst = broker.instances.get(id)!;
    assert.equal(inst.state, 'COMPLETED');
    assert.ok(inst.visited.includes('rejected'));
    assert.equal(inst.variables.reason, 'thiếu chữ ký');
    const call = broker.calls.find((c) => /\/v2\/jobs\/\d+\/error$/.test(c.path))!;
    assert.equal(call.body.errorCode, 'REJECTED');
  });

  it('a failing worker fails its job with one retry less and the broker retries it', async () => {
    const { id } = await zeebe.start({ processId: 'zeebe-wire', businessKey: 'doc-3', variables: { flaky: true } });
    await until('the task after the retry', () => created.some((c) => c.processInstanceId === id));
    const failure = broker.calls.find((c) => /\/v2\/jobs\/\d+\/failure$/.test(c.path))!;
    assert.equal(failure.body.retries, 2);
    assert.match(failure.body.errorMessage, /tạm thời lỗi/);
  });

  it('a cancelled instance takes its user task out of hoso through the canceling listener', async () => {
    const { id } = await zeebe.start({ processId: 'zeebe-wire', businessKey: 'doc-4', variables: {} });
    await until('its task', () => created.some((c) => c.processInstanceId === id));
    const task = created.find((c) => c.processInstanceId === id)!;
    await zeebe.cancel(id);
    await until('the cancel listener', () => cancelled.includes(task.key));
    assert.equal(broker.instances.get(id)!.state, 'CANCELED');
    assert.ok(broker.calls.some((c) => c.path === `/v2/process-instances/${id}/cancellation`));
  });
});
