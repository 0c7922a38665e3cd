import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Clock } from '../../src/common/clock.js';
import { TransactionService } from '../../src/database/transaction.service.js';
import { DefinitionStore } from '../../src/modules/workflow/engine/embedded/definition-store.js';
import { lintCamunda } from '../../src/modules/workflow/engine/embedded/validation.js';
import { parseModel } from '../../src/modules/workflow/engine/embedded/model.js';
import {
  USER_TASK_JOB_TYPE,
  userTaskFromJob,
  ZeebeWorkflowEngine,
  type ZeebeJobLike,
} from '../../src/modules/workflow/engine/zeebe/zeebe-engine.js';
import { BpmnError } from '../../src/modules/workflow/index.js';
import { WorkflowAppliedJobEntity } from '../../src/modules/workflow/workflow-wait.entity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const PROCESSES = join(__dirname, '..', '..', '..', 'processes');

function fakeJob(over: Partial<ZeebeJobLike> = {}) {
  const outcome: { kind?: string; payload?: unknown } = {};
  const job: ZeebeJobLike = {
    key: '2251799813685251',
    type: 'test.zeebe',
    processInstanceKey: '2251799813685249',
    bpmnProcessId: 'demo',
    processDefinitionVersion: 3,
    elementId: 'task',
    retries: 3,
    customHeaders: { kind: 'x' },
    variables: { businessKey: 'doc-9', n: 2 },
    complete: async (v) => Object.assign(outcome, { kind: 'complete', payload: v }),
    fail: async (c) => Object.assign(outcome, { kind: 'fail', payload: c }),
    error: async (e) => Object.assign(outcome, { kind: 'error', payload: e }),
    forward: () => Object.assign(outcome, { kind: 'forward' }),
    ...over,
  };
  return { job, outcome };
}

/**
 * What the Zeebe adapter can prove without a broker (none can run here): construction from the SDK's environment
 * variables, job → worker mapping with the applied-job idempotency, user-task jobs → UserTaskInfo, and Camunda 8.8
 * lint of every processes/*.bpmn. Deploy/start/publish/complete against a live cluster are NOT run.
 */
describe('Zeebe adapter (no broker)', () => {
  let t: TestApp;
  let zeebe: ZeebeWorkflowEngine;
  let calls = 0;
  before(async () => {
    t = await startTestApp();
    const saved = { ...process.env };
    Object.assign(process.env, {
      ZEEBE_GRPC_ADDRESS: 'grpc://127.0.0.1:26599',
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_SECURE_CONNECTION: 'false',
    });
    zeebe = new ZeebeWorkflowEngine(t.app.get(TransactionService), t.app.get(DefinitionStore), t.app.get(Clock));
    process.env = saved;
    zeebe.registerWorker('test.zeebe', async (job) => {
      calls++;
      if (job.variables.n === -1) throw new BpmnError('REJECTED', 'no', { why: 'test' });
      if (job.variables.n === -2) throw new Error('flaky');
      return { variables: { doubled: Number(job.variables.n) * 2, by: job.headers.kind } };
    });
  });
  after(async () => {
    await t.close();
  });

  it('constructs from the SDK environment variables without contacting a broker', async () => {
    const prev = { ...process.env };
    Object.assign(process.env, { ZEEBE_GRPC_ADDRESS: 'grpc://127.0.0.1:26599', CAMUNDA_AUTH_STRATEGY: 'NONE' });
    try {
      const client = zeebe.client;
      assert.equal(typeof client.createWorker, 'function');
      assert.equal(typeof client.deployResource, 'function');
      await client.close?.();
    } finally {
      process.env = prev;
    }
  });

  it('maps a job to the worker and completes it with the output; a redelivered job key is not applied twice', async () => {
    const first = fakeJob();
    await zeebe.handleJob(first.job);
    assert.deepEqual(first.outcome, { kind: 'complete', payload: { doubled: 4, by: 'x' } });
    const again = fakeJob();
    await zeebe.handleJob(again.job);
    assert.deepEqual(again.outcome, { kind: 'complete', payload: { doubled: 4, by: 'x' } });
    assert.equal(calls, 1);
    const applied = await t.dataSource
      .getRepository(WorkflowAppliedJobEntity)
      .countBy({ jobKey: 'zeebe:2251799813685251' });
    assert.equal(applied, 1);
  });

  it('a BpmnError throws the BPMN error; any other failure fails the job with one retry less', async () => {
    const bpmn = fakeJob({ key: '11', variables: { n: -1 } });
    await zeebe.handleJob(bpmn.job);
    assert.deepEqual(bpmn.outcome, {
      kind: 'error',
      payload: { errorCode: 'REJECTED', errorMessage: 'no', variables: { why: 'test' } },
    });
    const flaky = fakeJob({ key: '12', variables: { n: -2 } });
    await zeebe.handleJob(flaky.job);
    assert.equal(flaky.outcome.kind, 'fail');
    assert.equal((flaky.outcome.payload as { retries: number }).retries, 2);
  });

  it('maps a job-based user task (io.camunda.zeebe:userTask headers) to the inbox contract', () => {
    const { job } = fakeJob({
      type: USER_TASK_JOB_TYPE,
      customHeaders: {
        'io.camunda.zeebe:assignee': 'john.doe',
        'io.camunda.zeebe:candidateGroups': '["sales","marketing"]',
        'io.camunda.zeebe:formKey': 'form-key',
        'io.camunda.zeebe:dueDate': '2030-01-02T03:04:05Z',
      },
    });
    const task = userTaskFromJob(job, new Date('2026-01-01T00:00:00Z'));
    assert.equal(task.key, '2251799813685251');
    assert.equal(task.assignee, 'john.doe');
    assert.deepEqual(task.candidateGroups, ['sales', 'marketing']);
    assert.equal(task.formId, 'form-key');
    assert.equal(task.dueAt?.toISOString(), '2030-01-02T03:04:05.000Z');
    assert.equal(task.businessKey, 'doc-9');
    assert.equal(task.processVersion, 3);
  });

  it("a deployment goes to its owner's tenant (tenantId = OrganId); a start names the nearest variant's", async () => {
    const sent: { op: string; req: Record<string, unknown> }[] = [];
    const fake = {
      createWorker: () => undefined,
      deployResource: async (req: Record<string, unknown>) => void sent.push({ op: 'deploy', req }),
      createProcessInstance: async (req: Record<string, unknown>) => {
        sent.push({ op: 'start', req });
        return { processInstanceKey: '42' };
      },
    };
    const engine = new ZeebeWorkflowEngine(
      t.app.get(TransactionService),
      t.app.get(DefinitionStore),
      t.app.get(Clock),
      () => fake,
    );
    engine.registerWorker('test.zeebe', async () => undefined);
    const agencies: { id: string; organ_id: string; parent_id: string | null }[] = await t.dataSource.query(
      'SELECT id, organ_id, parent_id FROM agency',
    );
    const root = agencies.find((a) => !a.parent_id)!;
    const commune = agencies.find((a) => a.organ_id === '000.00.31.H42')!;
    const sibling = agencies.find((a) => a.organ_id === '000.01.00.H42')!;
    const xml = (name: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="d" targetNamespace="http://hoso.local/t" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0"><bpmn:process id="tenant-demo" name="${name}" isExecutable="true"><bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="w" /><bpmn:serviceTask id="w"><bpmn:extensionElements><zeebe:taskDefinition type="test.zeebe" /></bpmn:extensionElements></bpmn:serviceTask><bpmn:sequenceFlow id="f2" sourceRef="w" targetRef="e" /><bpmn:endEvent id="e" /></bpmn:process></bpmn:definitions>`;
    const byRoot = await engine.deploy(xml('default'), { source: 'startup' });
    const byCommune = await engine.deploy(xml('variant'), { agencyId: commune.id });
    assert.deepEqual(
      sent.map((x) => x.req.tenantId),
      [root.organ_id, commune.organ_id],
    );
    await engine.start({ processId: 'tenant-demo', agencyId: commune.id, variables: {} });
    await engine.start({ processId: 'tenant-demo', agencyId: sibling.id, variables: {} });
    const starts = sent.filter((x) => x.op === 'start').map((x) => [x.req.tenantId, x.req.version]);
    assert.deepEqual(starts, [
      [commune.organ_id, byCommune.version],
      [root.organ_id, byRoot.version],
    ]);
  });

  it('every processes/*.bpmn passes the Camunda 8.8 compatibility lint', async () => {
    const files = existsSync(PROCESSES) ? readdirSync(PROCESSES).filter((f) => f.endsWith('.bpmn')) : [];
    for (const f of files) {
      const problems = await lintCamunda(await parseModel(readFileSync(join(PROCESSES, f), 'utf8')));
      assert.deepEqual(problems, [], `${f}: ${JSON.stringify(problems)}`);
    }
  });
});
