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

  it('every processes/*.bpmn passes the Camunda 8.8 compatibility lint', async () => {
    const files = existsSync(PROCESSES) ? readdirSync(PROCESSES).filter((f) => f.endsWith('.bpmn')) : [];
    for (const f of files) {
      const problems = await lintCamunda(await parseModel(readFileSync(join(PROCESSES, f), 'utf8')));
      assert.deepEqual(problems, [], `${f}: ${JSON.stringify(problems)}`);
    }
  });
});
