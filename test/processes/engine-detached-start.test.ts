import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity.js';
import { WorkflowActivityEntity, WorkflowInstanceEntity } from '../../src/modules/workflow/workflow-instance.entity.js';
import {
  WorkflowAppliedJobEntity,
  WorkflowIncidentEntity,
  WorkflowJobEntity,
  WorkflowTimerEntity,
} from '../../src/modules/workflow/workflow-wait.entity.js';
import { RunPersister } from '../../src/modules/workflow/engine/embedded/run-persister.js';
import { freshDatabase } from '../support/test-app.js';
import { CRASH_CHILD, crashChildEnv, fixture, startEngineHarness } from './support/engine-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A start outside a caller's transaction commits each round of jobs before the engine goes on (the engine's CPU
 * work runs outside the write lock). This kills the process inside the second job's transaction — after the
 * first job's effect and the instance row have committed, before the instance's state is saved — and checks
 * that recovery finishes the instance with each effect applied exactly once.
 */
describe('detached start: killed between its job transactions, the instance completes, each effect once', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  before(async () => {
    db = await freshDatabase();
  });
  after(async () => {
    await ds?.destroy();
    await db.drop();
  });

  it('given effectA committed and the process killed in effectB, when restarted, then A and B each ran once', async () => {
    const marker = join(db.dataDir, 'killed');
    const env = crashChildEnv(db, {
      CRASH_INSTANCES: '1',
      CRASH_FIXTURE: 'engine-two-steps.bpmn',
      CRASH_PROCESS: 'test-two-steps',
      CRASH_KILL_AT: 'effectB',
      CRASH_MARKER: marker,
      CRASH_DETACHED: 'true',
    });
    const run = () => spawn(process.execPath, [CRASH_CHILD], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const first = run();
    const exit = await new Promise<NodeJS.Signals | null>((r) => first.once('exit', (_c, s) => r(s)));
    assert.equal(exit, 'SIGKILL', 'the child should have killed itself inside effectB');
    assert.ok(existsSync(marker));
    const instanceId = readFileSync(marker, 'utf8');

    ds = new DataSource(
      dataSourceOptions(loadConfig(env).database, {
        entities: [
          WorkflowInstanceEntity,
          WorkflowActivityEntity,
          AuditEventEntity,
          WorkflowAppliedJobEntity,
          WorkflowIncidentEntity,
          WorkflowJobEntity,
          WorkflowTimerEntity,
        ],
      }),
    );
    await ds.initialize();
    const instances = ds.getRepository(WorkflowInstanceEntity);
    const effects = async () =>
      (await ds.getRepository(AuditEventEntity).findBy({ action: 'crash.effect', entityId: instanceId }))
        .map((e) => String(e.data?.elementId))
        .sort();
    // the window: the row and effectA are committed, the engine state is not
    const atKill = await instances.findOneByOrFail({ id: instanceId });
    assert.equal(atKill.state, 'active');
    assert.equal(atKill.engineState, null);
    assert.deepEqual(await effects(), ['effectA']);
    assert.equal(await ds.getRepository(WorkflowAppliedJobEntity).countBy({ instanceId }), 1);

    const second = run();
    try {
      let state = '';
      for (let i = 0; i < 200 && state !== 'completed'; i++) {
        await sleep(100);
        state = (await instances.findOneByOrFail({ id: instanceId })).state;
      }
      assert.equal(state, 'completed');
    } finally {
      second.kill('SIGKILL');
    }
    assert.deepEqual(await effects(), ['effectA', 'effectB']);
    assert.equal(await ds.getRepository(WorkflowAppliedJobEntity).countBy({ instanceId }), 2);
    assert.equal(await ds.getRepository(WorkflowIncidentEntity).countBy({ instanceId }), 0);
    const history = await ds.getRepository(WorkflowActivityEntity).findBy({ instanceId });
    const steps = history.map((h) => `${h.elementId}:${h.state}`).sort();
    assert.deepEqual(steps, ['effectA:completed', 'effectB:completed', 'end:completed', 'start:completed']);
  });
});

describe('detached start: a start whose last transaction failed is finished by the scheduler, each effect once', () => {
  it('given the final write fails once, when 60 s pass, then the scheduler completes it and no job runs twice', async () => {
    const h = await startEngineHarness();
    h.engine.detachedStarts = true; // SQLite's default; chosen here on MySQL too
    try {
      const applied: string[] = [];
      h.engine.registerWorker('crash.effect', async (job) => {
        applied.push(job.elementId);
        return { variables: { [`done_${job.elementId}`]: true } };
      });
      await h.engine.deploy(fixture('engine-two-steps.bpmn'));
      // fault injection: the write of the finished instance fails once (as a lost connection or a full disk would)
      const persister = h.t.app.get(RunPersister);
      const persist = persister.persist.bind(persister);
      let failures = 0;
      persister.persist = async (...args) => {
        if (failures++ === 0) throw new Error('injected: write failed');
        return persist(...args);
      };
      await assert.rejects(h.engine.start({ processId: 'test-two-steps', businessKey: 'stale-1' }), /injected/);
      const row = await h.t.dataSource
        .getRepository(WorkflowInstanceEntity)
        .findOneByOrFail({ businessKey: 'stale-1' });
      // both jobs' transactions committed before the failing one: the start is left unfinished
      assert.deepEqual(applied, ['effectA', 'effectB']);
      assert.equal(row.state, 'active');
      assert.equal(row.revision, 0);

      await h.scheduler.runDue(); // not yet stale: left alone
      assert.equal((await h.instance(row.id)).state, 'active');
      h.clock.advance(61_000);
      await h.scheduler.runDue();
      assert.equal((await h.instance(row.id)).state, 'completed');
      assert.deepEqual(applied, ['effectA', 'effectB'], `the replay ran no job again: ${applied}`);
      assert.deepEqual(await h.completed(row.id), ['start', 'effectA', 'effectB', 'end']);
    } finally {
      await h.close();
    }
  });
});
