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
  userTaskFromListenerJob,
  ZeebeWorkflowEngine,
  type ActivatedJob,
} from '../../src/modules/workflow/engine/zeebe/zeebe-engine.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const PROCESSES = join(__dirname, '..', '..', '..', 'processes');

/**
 * What the Zeebe adapter proves without any server: construction from the SDK's environment variables, the mapping
 * of a task listener's job to hoso's inbox contract, and Camunda 8.8 lint of every processes/*.bpmn. The calls on the
 * wire are in engine-zeebe-wire.test.ts (against a stand-in for the cluster).
 */
describe('Zeebe adapter (no broker)', () => {
  let t: TestApp;
  let zeebe: ZeebeWorkflowEngine;
  before(async () => {
    t = await startTestApp();
    const saved = { ...process.env };
    Object.assign(process.env, { ZEEBE_REST_ADDRESS: 'http://127.0.0.1:26599', CAMUNDA_AUTH_STRATEGY: 'NONE' });
    zeebe = new ZeebeWorkflowEngine(t.app.get(TransactionService), t.app.get(DefinitionStore), t.app.get(Clock));
    process.env = saved;
  });
  after(async () => {
    await t.close();
  });

  it('constructs from the SDK environment variables without contacting a broker', async () => {
    const prev = { ...process.env };
    Object.assign(process.env, {
      ZEEBE_REST_ADDRESS: 'http://127.0.0.1:26599',
      CAMUNDA_REST_ADDRESS: 'http://127.0.0.1:26599',
      CAMUNDA_AUTH_STRATEGY: 'NONE',
    });
    try {
      const client = zeebe.client;
      for (const op of ['createDeployment', 'createProcessInstance', 'completeUserTask', 'createJobWorker'] as const)
        assert.equal(typeof client[op], 'function', op);
    } finally {
      process.env = prev;
    }
  });

  it('maps the job of a creating task listener (Camunda 8.8 user task properties) to the inbox contract', () => {
    const job = {
      jobKey: '2251799813685251',
      type: 'hoso.user-task-listener',
      kind: 'TASK_LISTENER',
      listenerEventType: 'CREATING',
      processInstanceKey: '2251799813685249',
      processDefinitionId: 'demo',
      processDefinitionVersion: 3,
      elementId: 'task',
      retries: 3,
      tenantId: 'H42',
      customHeaders: { kind: 'x' },
      variables: { businessKey: 'doc-9' },
      userTask: {
        userTaskKey: '2251799813685260',
        assignee: 'john.doe',
        candidateGroups: ['sales', 'marketing'],
        formKey: '2251799813685270',
        dueDate: '2030-01-02T03:04:05Z',
      },
    } as unknown as ActivatedJob;
    const task = userTaskFromListenerJob(job, 'Ký duyệt', new Date('2026-01-01T00:00:00Z'));
    assert.equal(task.key, '2251799813685260', 'the user task key, not the listener job key');
    assert.equal(task.name, 'Ký duyệt');
    assert.equal(task.assignee, 'john.doe');
    assert.deepEqual(task.candidateGroups, ['sales', 'marketing']);
    assert.equal(task.formId, '2251799813685270');
    assert.equal(task.dueAt?.toISOString(), '2030-01-02T03:04:05.000Z');
    assert.equal(task.businessKey, 'doc-9');
    assert.equal(task.processVersion, 3);
    assert.equal(task.headers.kind, 'x');
    assert.throws(() => userTaskFromListenerJob({ ...job, userTask: {} } as ActivatedJob, 'x', new Date()));
  });

  it("a deployment goes to its owner's tenant (tenantId = OrganId); a start names the nearest variant's", async () => {
    const sent: { op: string; req: Record<string, unknown> }[] = [];
    // a stand-in for the two /v2 calls this looks at (the wire test covers the requests' shapes)
    const fake = {
      createJobWorker: () => ({ stop: () => undefined }),
      createDeployment: async (req: Record<string, unknown>) => void sent.push({ op: 'deploy', req }),
      createProcessInstance: async (req: Record<string, unknown>) => {
        sent.push({ op: 'start', req });
        return { processInstanceKey: '42' };
      },
    };
    const engine = new ZeebeWorkflowEngine(
      t.app.get(TransactionService),
      t.app.get(DefinitionStore),
      t.app.get(Clock),
      () => fake as never,
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
    // each start names the tenant of the nearest variant (the tenant's latest version is that owner's latest)
    const starts = sent.filter((x) => x.op === 'start').map((x) => x.req.tenantId);
    assert.deepEqual(starts, [commune.organ_id, root.organ_id]);
    assert.ok(byCommune.version > byRoot.version);
  });

  it('every processes/*.bpmn passes the Camunda 8.8 compatibility lint', async () => {
    const files = existsSync(PROCESSES) ? readdirSync(PROCESSES).filter((f) => f.endsWith('.bpmn')) : [];
    for (const f of files) {
      const problems = await lintCamunda(await parseModel(readFileSync(join(PROCESSES, f), 'utf8')));
      assert.deepEqual(problems, [], `${f}: ${JSON.stringify(problems)}`);
    }
  });
});
