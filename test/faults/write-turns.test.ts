import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const CHILD = join(__dirname, 'support', 'write-turns-child.js');

type Entry = { worker: number; event: 'in' | 'out' | 'exit'; at: number };

function runCluster(env: Record<string, string>): Entry[] {
  const r = spawnSync(process.execPath, [CHILD], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Entry[];
}

/** The order of turns as the primary saw it: which worker held the write turn, one entry per turn. */
function holders(log: Entry[]): number[] {
  let holder: number | null = null;
  const order: number[] = [];
  for (const e of log) {
    if (e.event === 'in') {
      assert.equal(holder, null, `worker ${e.worker} entered while worker ${holder} held the turn`);
      holder = e.worker;
      order.push(e.worker);
    } else if (e.event === 'out' || (e.event === 'exit' && holder === e.worker)) {
      if (e.event === 'out') assert.equal(holder, e.worker);
      holder = null;
    }
  }
  return order;
}

describe('SQLite write turns between HTTP worker processes (node:cluster)', () => {
  it('given two workers writing back to back, then one holds the turn at a time and they take turns in order', () => {
    const order = holders(runCluster({ ROUNDS: '30' }));
    assert.equal(order.filter((w) => w === 1).length, 30);
    assert.equal(order.filter((w) => w === 2).length, 30);
    // first come, first served: once both are queued, neither takes two turns while the other waits
    const runs: number[] = [];
    order.forEach((w, i) => (i && order[i - 1] === w ? runs[runs.length - 1]++ : runs.push(1)));
    // (the first run may be long while worker 2 starts, the last while worker 1 has finished)
    assert.ok(Math.max(...runs.slice(1, -1)) <= 2, `runs of turns: ${runs.join(',')}`);
  });

  it('given a worker killed while it holds the turn, then the other gets it and finishes', () => {
    const log = runCluster({ ROUNDS: '20', KILL_AT: '5' });
    const order = holders(log);
    assert.equal(order.filter((w) => w === 2).length, 5);
    assert.equal(order.filter((w) => w === 1).length, 20);
    const killed = log.findIndex((e) => e.worker === 2 && e.event === 'exit');
    assert.ok(
      log.slice(killed).some((e) => e.worker === 1 && e.event === 'in'),
      'worker 1 wrote after the kill',
    );
  });
});
