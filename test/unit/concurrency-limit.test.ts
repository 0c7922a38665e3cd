import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyLimit } from '../../src/common/concurrency-limit.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('ConcurrencyLimit', () => {
  it('runs at most `max` at once and the others in the order they came', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const calls = Array.from({ length: 6 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => (gates[i] = r));
        running--;
        return i * 10;
      }),
    );
    await tick();
    assert.deepEqual(started, [0, 1]);
    assert.equal(limit.queued, 4);
    gates[1]();
    await tick();
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    for (let i = 0; i < 6; i++) {
      gates[i]?.();
      await tick();
      await tick();
    }
    for (let i = 0; i < 6; i++) gates[i]?.();
    assert.deepEqual(await Promise.all(calls), [0, 10, 20, 30, 40, 50]);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
    assert.equal(most, 2);
    assert.equal(limit.queued, 0);
  });

  it('a call that throws gives its turn to the next', async () => {
    const limit = new ConcurrencyLimit(1);
    const failed = limit.run(async () => {
      throw new Error('refused');
    });
    const next = limit.run(async () => 'ran');
    await assert.rejects(failed, /refused/);
    assert.equal(await next, 'ran');
    // and the turn is free again
    assert.equal(await limit.run(async () => 'again'), 'again');
  });
});
