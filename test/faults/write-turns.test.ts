import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const CHILD = join(__dirname, 'support', 'write-turns-child.js');

type Entry = { worker: number; event: 'want' | 'in' | 'out' | 'exit'; at: number };

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
  it('given three workers writing back to back, then one holds the turn at a time and they take turns in order', () => {
    const runLog = runCluster({ ROUNDS: '30', WORKERS: '3' });
    const order = holders(runLog);
    for (const w of [1, 2, 3]) assert.equal(order.filter((x) => x === w).length, 30);
    // first come, first served: turns are granted in the order the primary received the requests (how long a
    // worker takes to ask again after a turn is up to its scheduling, not to the queue)
    const requests = runLog.filter((e) => e.event === 'want').map((e) => e.worker);
    assert.deepEqual(order, requests);
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
