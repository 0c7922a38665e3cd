import cluster, { type Worker } from 'node:cluster';

/**
 * SQLite has one writer for the whole file, and HTTP workers (node:cluster, main.ts) waiting for it by polling
 * (TransactionService.beginImmediate) are not served in order: a worker with a queue of transactions takes the
 * lock again right after each COMMIT and the other's polls rarely land in the gap. Measured before this: under
 * task completions one worker at 2 % CPU with its requests waiting up to seconds (p99 0.5–1.5 s at 50 users) while
 * the other did all the writing. So in a cluster on SQLite the primary hands out write turns, first come first
 * served; BEGIN IMMEDIATE still guards against any other process on the file.
 */
const ACQUIRE = 'hoso:write-turn-acquire';
const GRANT = 'hoso:write-turn-grant';
const RELEASE = 'hoso:write-turn-release';

interface TurnMessage {
  type: typeof ACQUIRE | typeof GRANT | typeof RELEASE;
  id: number;
}

/** Worker side: one turn at a time per process (TransactionService already queues this process's transactions). */
export class WriteTurns {
  private readonly waiting = new Map<number, () => void>();
  private nextId = 1;
  private held: number | null = null;

  /** In a cluster worker, where the primary serves turns; elsewhere acquire/release do nothing. */
  static forThisProcess(): WriteTurns | null {
    return cluster.isWorker && typeof process.send === 'function' ? new WriteTurns() : null;
  }

  private constructor() {
    process.on('message', (msg: TurnMessage) => {
      if (msg?.type !== GRANT) return;
      this.waiting.get(msg.id)?.();
      this.waiting.delete(msg.id);
    });
  }

  /** Resolves when this process may write; rejects after `timeoutMs` (then the caller fails as busy). */
  acquire(timeoutMs: number): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        // the grant may still come: give it back at once
        this.waiting.set(id, () => this.send(RELEASE, id));
        reject(
          Object.assign(new Error('SQLITE_BUSY: no write turn from the cluster primary'), { code: 'SQLITE_BUSY' }),
        );
      }, timeoutMs);
      this.waiting.set(id, () => {
        clearTimeout(timer);
        this.held = id;
        resolve();
      });
      this.send(ACQUIRE, id);
    });
  }

  release(): void {
    if (this.held === null) return;
    this.send(RELEASE, this.held);
    this.held = null;
  }

  private send(type: TurnMessage['type'], id: number): void {
    process.send!({ type, id } satisfies TurnMessage);
  }
}

/** Primary side: the queue of turns over all workers; a worker that exits gives its turn and its place back. */
export class WriteTurnQueue {
  private readonly queue: { worker: Worker; id: number }[] = [];
  private holder: { worker: Worker; id: number } | null = null;

  serve(worker: Worker): void {
    worker.on('message', (msg: TurnMessage) => {
      if (msg?.type === ACQUIRE) {
        this.queue.push({ worker, id: msg.id });
        this.next();
      } else if (msg?.type === RELEASE && this.holder?.worker === worker && this.holder.id === msg.id) {
        this.holder = null;
        this.next();
      }
    });
    worker.on('exit', () => {
      for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].worker === worker) this.queue.splice(i, 1);
      if (this.holder?.worker === worker) {
        this.holder = null;
        this.next();
      }
    });
  }

  private next(): void {
    while (!this.holder && this.queue.length) {
      const turn = this.queue.shift()!;
      if (!turn.worker.isConnected()) continue;
      this.holder = turn;
      turn.worker.send({ type: GRANT, id: turn.id } satisfies TurnMessage);
    }
  }
}
