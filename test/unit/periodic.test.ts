import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Periodic } from '../../src/common/periodic.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Periodic', () => {
  it('never starts a pass while the previous one runs, and stop() waits for the pass in progress', async () => {
    let active = 0;
    let most = 0;
    let passes = 0;
    let finished = 0;
    const loop = new Periodic(
      async () => {
        passes++;
        most = Math.max(most, ++active);
        await sleep(60); // longer than the interval
        active--;
        finished++;
      },
      { error: () => assert.fail('no error expected') },
    );
    loop.start(10);
    await sleep(200);
    await loop.stop();
    assert.ok(passes >= 2, `passes: ${passes}`);
    assert.equal(most, 1, 'passes never overlap');
    assert.equal(finished, passes, 'stop() returned only after the running pass ended');
    await sleep(50);
    assert.equal(passes, finished, 'no pass after stop()');
  });

  it('reports a failing pass and runs the next one', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const loop = new Periodic(
      async () => {
        if (++passes === 1) throw new Error('first pass fails');
      },
      { error: (e) => errors.push(e) },
    );
    loop.start(10);
    await sleep(80);
    await loop.stop();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /first pass fails/);
    assert.ok(passes >= 2, `passes: ${passes}`);
  });
});
