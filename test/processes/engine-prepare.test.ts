import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TransactionService } from '../../src/database/transaction.service.js';
import { fixture, startEngineHarness, type EngineHarness } from './support/engine-harness.js';

/**
 * prepareUserTask rebuilds an instance's engine before the completing transaction (so the rebuild does not hold
 * the write lock). It reads outside any transaction, so it may see what it must not trust: another flow's
 * uncommitted advance (SQLite shares one connection) or a revision another process has since moved past.
 */
describe('embedded engine: preparing a user task outside the transaction', () => {
  let h: EngineHarness;
  before(async () => {
    h = await startEngineHarness();
    await h.engine.deploy(fixture('engine-parallel-review.bpmn'));
  });
  after(() => h.close());

  const startTwoOpinions = async () => {
    const { id } = await h.engine.start({ processId: 'test-parallel-review', variables: { reviewer: 'u-1' } });
    h.engine.forget(id); // as after a restart, or evicted from the live cache
    return { id, legal: h.openTask(id, 'legal'), finance: h.openTask(id, 'finance') };
  };

  it('given a prepared task, when it is completed, then the instance moves on from the saved state', async () => {
    const { id, legal, finance } = await startTwoOpinions();
    await h.engine.prepareUserTask(legal.key);
    await h.engine.completeUserTask(legal.key, { legalOk: true });
    assert.equal((await h.instance(id)).state, 'active');
    await h.engine.prepareUserTask(finance.key);
    await h.engine.completeUserTask(finance.key, { financeOk: true });
    const done = await h.instance(id);
    assert.equal(done.state, 'completed');
    assert.deepEqual([done.runtime.vars.legalOk, done.runtime.vars.financeOk], [true, true]);
  });

  it('given a preparation that read an advance later rolled back, then completing the other task does not use it', async () => {
    const { id, legal, finance } = await startTwoOpinions();
    const tx = h.t.app.get(TransactionService);
    let readNow!: () => void;
    // registered outside the transaction, so it runs outside it, on the connection the transaction is using
    const prepared = new Promise<void>((r) => (readNow = r)).then(() => h.engine.prepareUserTask(finance.key));
    await assert.rejects(
      tx.run(async () => {
        await h.engine.completeUserTask(legal.key, { legalOk: true });
        readNow();
        await prepared;
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    const before = await h.instance(id);
    assert.equal(before.state, 'active');
    // another process commits the next revision without legal's completion (same revision number as the
    // rolled-back advance the preparation saw)
    await h.t.dataSource.query('UPDATE workflow_instance SET revision = revision + 1 WHERE id = ?', [id]);
    await h.engine.completeUserTask(finance.key, { financeOk: true });
    const after = await h.instance(id);
    assert.equal(after.state, 'active', 'legal was never completed: the join still waits for it');
    assert.equal(after.runtime.vars.legalOk, undefined);
    await h.engine.completeUserTask(legal.key, { legalOk: true });
    assert.equal((await h.instance(id)).state, 'completed');
  });

  it('given prepared tasks, when other instances advance meanwhile, then each completion takes its prepared engine', async () => {
    const prepared = await Promise.all(Array.from({ length: 6 }, () => startTwoOpinions()));
    for (const p of prepared) await h.engine.prepareUserTask(p.legal.key);
    const others = await Promise.all(Array.from({ length: 8 }, () => startTwoOpinions()));
    // eight other instances advanced and kept idle: only a few idle engines stay, the prepared ones all stay
    for (const o of others) await h.engine.completeUserTask(o.legal.key, { legalOk: true });
    const held = h.engine.liveEngines();
    assert.ok(held.prepared >= 6, `prepared engines kept: ${JSON.stringify(held)}`);
    assert.ok(held.idle <= 4, `idle engines bounded: ${JSON.stringify(held)}`);
    const rebuiltBefore = held.rebuilt;
    for (const p of prepared) await h.engine.completeUserTask(p.legal.key, { legalOk: true });
    assert.equal(h.engine.liveEngines().rebuilt, rebuiltBefore, 'no prepared engine was rebuilt again');
    assert.equal(h.engine.liveEngines().prepared, 0);
    for (const p of prepared) assert.equal((await h.instance(p.id)).runtime.vars.legalOk, true);
  });

  it('given many preparations whose completions never come, then only a bounded number of engines is held', async () => {
    const abandoned = await Promise.all(Array.from({ length: 40 }, () => startTwoOpinions()));
    for (const a of abandoned) await h.engine.prepareUserTask(a.legal.key);
    const held = h.engine.liveEngines();
    assert.ok(held.prepared <= 32, `prepared engines bounded: ${JSON.stringify(held)}`);
    // the newest preparation is among those kept: completing it rebuilds nothing
    const last = abandoned[abandoned.length - 1];
    await h.engine.completeUserTask(last.legal.key, { legalOk: true });
    assert.equal(h.engine.liveEngines().rebuilt, held.rebuilt);
    assert.equal((await h.instance(last.id)).runtime.vars.legalOk, true);
  });

  it('given a task of an ended instance or an unknown key, then preparing it changes nothing', async () => {
    await h.engine.prepareUserTask('no-such-task');
    const { id, legal, finance } = await startTwoOpinions();
    await h.engine.completeUserTask(legal.key, {});
    await h.engine.completeUserTask(finance.key, {});
    await h.engine.prepareUserTask(finance.key);
    assert.equal((await h.instance(id)).state, 'completed');
  });
});
