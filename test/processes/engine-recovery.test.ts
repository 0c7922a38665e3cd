import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowStartupService } from '../../src/modules/workflow/workflow-startup.service.js';
import { fixture, startEngineHarness, type EngineHarness } from './support/engine-harness.js';

/**
 * Start-up recovery finishes what a stopped process left unfinished (starts still at revision 0: see
 * engine-detached-start.test.ts, which kills a process inside one). An instance waiting on a user task was saved
 * whole by the transaction that made it wait: recovery must leave it alone (a province restarts with ~100,000 of
 * them; rebuilding and saving each again cost ~5 ms apiece) and it must still move on from its saved state.
 */
describe('embedded engine: start-up recovery of waiting instances', () => {
  let h: EngineHarness;
  before(async () => {
    h = await startEngineHarness();
    await h.engine.deploy(fixture('engine-parallel-review.bpmn'));
  });
  after(() => h.close());

  it('given instances waiting on user tasks, when recovery runs at start-up, then they stay as saved and complete afterwards', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await h.engine.start({ processId: 'test-parallel-review', variables: { reviewer: `u-${i}` } });
      h.engine.forget(id); // a restarted process has no live engines
      ids.push(id);
    }
    const saved = await Promise.all(ids.map((id) => h.instance(id)));
    const historyBefore = await Promise.all(ids.map(async (id) => (await h.history(id)).length));
    assert.ok(saved.every((r) => r.state === 'active' && r.revision > 0 && r.engineState));

    await h.t.app.get(WorkflowStartupService).recover();

    for (const [k, id] of ids.entries()) {
      const now = await h.instance(id);
      assert.equal(now.revision, saved[k].revision, 'recovery saved a waiting instance again');
      assert.equal(now.engineState, saved[k].engineState);
      assert.equal((await h.history(id)).length, historyBefore[k]);
    }
    for (const id of ids) {
      await h.engine.completeUserTask(h.openTask(id, 'legal').key, { legalOk: true });
      await h.engine.completeUserTask(h.openTask(id, 'finance').key, { financeOk: true });
      assert.equal((await h.instance(id)).state, 'completed');
    }
  });
});
