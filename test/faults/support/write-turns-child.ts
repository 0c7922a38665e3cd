import cluster from 'node:cluster';
import { WriteTurnQueue, WriteTurns } from '../../../src/database/cluster-write-turns.js';

/**
 * A real node:cluster for write-turns.test.ts: the primary serves turns (as main.ts does); each of WORKERS (2) takes
 * ROUNDS turns back to back (a worker with a queue of transactions), holding each for a moment; worker 2 is
 * killed while it holds its KILL_AT-th turn when KILL_AT is set. The primary logs each request as the queue
 * receives it, and prints the log as JSON at the end.
 */
const ROUNDS = Number(process.env.ROUNDS ?? 30);
const KILL_AT = Number(process.env.KILL_AT ?? 0);
const WORKERS = Number(process.env.WORKERS ?? 2);

if (cluster.isPrimary) {
  const queue = new WriteTurnQueue();
  const log: { worker: number; event: 'want' | 'in' | 'out' | 'exit'; at: number }[] = [];
  let left = WORKERS;
  let ready = 0;
  const workers = Array.from({ length: WORKERS }, (_, i) => i + 1).map((n) => {
    const w = cluster.fork({ WORKER_NO: String(n) });
    queue.serve(w);
    // after queue.serve's listener: a request is logged once the queue has taken it, so in the queue's order
    w.on('message', (m: { log?: 'in' | 'out'; ready?: true; type?: string }) => {
      if (m?.type === 'hoso:write-turn-acquire') log.push({ worker: n, event: 'want', at: performance.now() });
      if (m?.log) log.push({ worker: n, event: m.log, at: performance.now() });
      // all start together, so each has turns to wait for
      if (m?.ready && ++ready === WORKERS) for (const x of workers) x.send({ go: true });
    });
    w.on('exit', () => {
      log.push({ worker: n, event: 'exit', at: performance.now() });
      if (--left === 0) process.stdout.write(JSON.stringify(log));
    });
    return w;
  });
} else {
  const no = Number(process.env.WORKER_NO);
  const turns = WriteTurns.forThisProcess()!;
  void (async () => {
    await new Promise<void>((go) => {
      process.on('message', (m: { go?: true }) => m?.go && go());
      process.send!({ ready: true });
    });
    for (let i = 1; i <= ROUNDS; i++) {
      await turns.acquire(10_000);
      process.send!({ log: 'in' });
      if (no === 2 && i === KILL_AT) process.kill(process.pid, 'SIGKILL');
      const until = Date.now() + 2;
      while (Date.now() < until); // the work of a short transaction
      process.send!({ log: 'out' });
      turns.release();
    }
    process.disconnect();
  })();
}
