import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity.js';
import { WorkflowInstanceEntity } from '../../src/modules/workflow/workflow-instance.entity.js';
import { WorkflowJobEntity, WorkflowTimerEntity } from '../../src/modules/workflow/workflow-wait.entity.js';
import { freshDatabase } from '../support/test-app.js';
import { CRASH_CHILD, crashChildEnv } from './support/engine-harness.js';

const TOTAL = 120;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash: SIGKILL mid-flight, restart, every instance completes with each effect applied once', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;
  let child: ChildProcess | undefined;
  const env = () => crashChildEnv(db, { CRASH_INSTANCES: String(TOTAL) });
  const launch = () => {
    const c = spawn(process.execPath, [CRASH_CHILD], { env: env(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout!.on('data', (d) => (out += String(d)));
    return { c, out: () => out };
  };
  before(async () => {
    db = await freshDatabase();
  });
  after(async () => {
    child?.kill('SIGKILL');
    await ds?.destroy();
    await db.drop();
  });

  it('given a child running many instances, when it is killed and restarted, then all complete exactly once', async () => {
    const first = launch();
    child = first.c;
    // wait until the child has committed some instances and some timers are due, then kill it mid-flight
    for (let i = 0; i < 600 && !first.out().includes('ready'); i++) await sleep(100);
    assert.ok(first.out().includes('ready'), 'child did not start');
    ds = new DataSource(
      dataSourceOptions(loadConfig(env()).database, {
        entities: [WorkflowInstanceEntity, AuditEventEntity, WorkflowTimerEntity, WorkflowJobEntity],
      }),
    );
    await ds.initialize();
    const instances = ds.getRepository(WorkflowInstanceEntity);
    for (let i = 0; i < 300 && (await instances.count()) < TOTAL / 3; i++) await sleep(20);
    await sleep(1200); // some PT1S timers are now due and being fired
    first.c.kill('SIGKILL');
    await new Promise((r) => first.c.once('exit', r));
    // Mid-flight means work was still pending when the process died: instances not started yet, or started and
    // not completed (on an idle machine all 120 may already be started; what matters is unfinished work).
    const completedAtKill = await instances.countBy({ state: 'completed' });
    assert.ok(completedAtKill < TOTAL, `the kill came too late (${completedAtKill} instances already completed)`);

    const second = launch();
    child = second.c;
    let done = 0;
    // up to 90 s (it ends as soon as all are done): a loaded machine took more than 30 s for the last dozen
    for (let i = 0; i < 900; i++) {
      done = await instances.countBy({ state: 'completed' });
      if (done === TOTAL) break;
      await sleep(100);
    }
    second.c.kill('SIGKILL');
    if (done !== TOTAL) {
      const stuck = await instances.find({ where: { state: 'active' } });
      for (const s of stuck)
        console.error(
          s.businessKey,
          JSON.stringify(s.runtime),
          JSON.stringify(await ds.query('SELECT * FROM workflow_timer WHERE instance_id = ?', [s.id])),
          JSON.stringify(await ds.query('SELECT * FROM workflow_job WHERE instance_id = ?', [s.id])),
        );
    }
    assert.equal(done, TOTAL, `completed ${done}/${TOTAL}`);
    assert.equal(await instances.countBy({ state: 'incident' }), 0);
    const effects = await ds.getRepository(AuditEventEntity).findBy({ action: 'crash.effect' });
    const perInstance = new Map<string, string[]>();
    for (const e of effects)
      perInstance.set(e.entityId!, [...(perInstance.get(e.entityId!) ?? []), String(e.data?.elementId)]);
    assert.equal(perInstance.size, TOTAL);
    for (const [id, list] of perInstance)
      assert.deepEqual(list.sort(), ['effectA', 'effectB', 'effectC'], `instance ${id}`);
  });
});
