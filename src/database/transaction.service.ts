import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { WriteTurns } from './cluster-write-turns.js';
import { SQLITE_BUSY_MS } from './data-source-options.js';
import { isRetryableConflict } from './db-errors.js';

interface SqliteHandle {
  pragma(source: string): unknown;
  exec(source: string): unknown;
}

interface TxContext {
  manager: EntityManager;
  afterCommit: Array<() => void | Promise<void>>;
  /** Items written just before COMMIT, per writer (see pending()). */
  pending: Map<PendingWriter<never>, unknown[]>;
}

/** Writes a transaction's pending items of one kind, in the order they were added, inside that transaction. */
export type PendingWriter<T> = (m: EntityManager, items: T[]) => Promise<void>;

/**
 * Every multi-row change runs through here.
 * - Nested calls join the outer transaction (AsyncLocalStorage).
 * - SQLite (one connection, one writer): transactions of this process are queued, so two flows never
 *   interleave statements on the shared connection; BEGIN IMMEDIATE takes the write lock up front so a
 *   transaction never fails half-way for want of it. While another process holds the lock, this one waits
 *   without blocking its event loop (see beginImmediate).
 * - MySQL: deadlocks and lock-wait timeouts are retried with jittered backoff.
 * - afterCommit callbacks run only once the outermost transaction has committed.
 * - pending items (the audit log's entries) are written by their writer just before COMMIT; a savepoint rolled
 *   back drops those added inside it.
 */
@Injectable()
export class TransactionService {
  private readonly logger = new Logger('Transactions');
  private readonly als = new AsyncLocalStorage<TxContext>();
  private queue: Promise<unknown> = Promise.resolve();
  private savepoints = 0;
  readonly isSqlite: boolean;
  /** SQLite in a cluster worker: write turns from the primary (cluster-write-turns.ts). */
  private readonly turns: WriteTurns | null;

  constructor(readonly dataSource: DataSource) {
    this.isSqlite = dataSource.options.type === 'better-sqlite3';
    this.turns = this.isSqlite ? WriteTurns.forThisProcess() : null;
  }

  /** The manager of the current transaction, or the default manager outside one. */
  get manager(): EntityManager {
    return this.als.getStore()?.manager ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return !!this.als.getStore();
  }

  /**
   * The current transaction's list of items for `writer`, which writes them (inside the transaction) just before
   * COMMIT; null outside a transaction. The audit log appends there: a chain's head row is then locked for the
   * last moments of a transaction, not from its first entry to its end (on MySQL, concurrent transactions of one
   * agency queued behind each other for that whole time).
   */
  pending<T>(writer: PendingWriter<T>): T[] | null {
    const ctx = this.als.getStore();
    if (!ctx) return null;
    let items = ctx.pending.get(writer as PendingWriter<never>);
    if (!items) ctx.pending.set(writer as PendingWriter<never>, (items = []));
    return items as T[];
  }

  /** Writes the current transaction's pending items of `writer` now (a read of what this transaction wrote). */
  async flushPending<T>(writer: PendingWriter<T>): Promise<void> {
    const ctx = this.als.getStore();
    const items = ctx?.pending.get(writer as PendingWriter<never>);
    if (ctx && items?.length) await writer(ctx.manager, items.splice(0) as T[]);
  }

  /** Before COMMIT: every writer's pending items (a writer may add more, to itself or to another). */
  private async writePending(ctx: TxContext): Promise<void> {
    for (let more = true; more;) {
      more = false;
      for (const [writer, items] of ctx.pending)
        if (items.length) {
          more = true;
          await writer(ctx.manager, items.splice(0) as never[]);
        }
    }
  }

  /**
   * Runs `work` in a savepoint of the current transaction: when it throws, its writes are rolled back (ROLLBACK
   * TO SAVEPOINT), the transaction goes on, and the error is rethrown. Pending items are written before the
   * savepoint, so the ones `work` added are exactly those to drop with it.
   */
  async savepoint<T>(m: EntityManager, work: () => Promise<T>): Promise<T> {
    const ctx = this.als.getStore();
    if (ctx) await this.writePending(ctx);
    const name = `hoso_sp_${++this.savepoints}`;
    await m.query(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      await m.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (e) {
      await m.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await m.query(`RELEASE SAVEPOINT ${name}`);
      if (ctx) for (const items of ctx.pending.values()) items.length = 0;
      throw e;
    }
  }

  /** Registers work to run after the current transaction commits (immediately when outside one). */
  afterCommit(fn: () => void | Promise<void>): void {
    const ctx = this.als.getStore();
    if (ctx) ctx.afterCommit.push(fn);
    else
      void Promise.resolve()
        .then(fn)
        .catch((e) => this.logger.error(e));
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const outer = this.als.getStore();
    if (outer) return work(outer.manager);
    return this.isSqlite ? this.runSqlite(work) : this.runMysql(work);
  }

  private runSqlite<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const attempt = async (): Promise<T> => {
      const ctx: TxContext = { manager: undefined as unknown as EntityManager, afterCommit: [], pending: new Map() };
      if (this.turns) await this.turns.acquire(SQLITE_BUSY_MS);
      const runner = this.dataSource.createQueryRunner();
      try {
        await runner.connect();
        await this.beginImmediate();
      } catch (e) {
        this.turns?.release();
        await runner.release();
        throw e;
      }
      ctx.manager = runner.manager;
      let result: T;
      // Tell TypeORM the runner is inside a transaction, so save()/remove() do not try to open their own.
      const flags = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
      flags.isTransactionActive = true;
      flags.transactionDepth = 1;
      try {
        result = await this.als.run(ctx, async () => {
          const r = await work(runner.manager);
          await this.writePending(ctx);
          return r;
        });
        await runner.query('COMMIT');
      } catch (e) {
        await runner.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        this.turns?.release();
        flags.isTransactionActive = false;
        flags.transactionDepth = 0;
        await runner.release();
      }
      this.flush(ctx);
      return result;
    };
    const next = this.queue.then(attempt, attempt);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * BEGIN IMMEDIATE without SQLite's busy handler: better-sqlite3 is synchronous, so waiting in busy_timeout
   * would freeze this whole process (its reads, its HTTP requests, the engine work of other instances) until the
   * other process commits, in sleeps of 1–100 ms. Instead the attempt fails at once and is repeated from the event
   * loop, for as long as busy_timeout would have waited.
   */
  private async beginImmediate(): Promise<void> {
    const db = (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
    const deadline = Date.now() + SQLITE_BUSY_MS;
    for (let attempt = 0; ; attempt++) {
      db.pragma('busy_timeout = 0');
      try {
        db.exec('BEGIN IMMEDIATE');
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw e;
      } finally {
        db.pragma(`busy_timeout = ${SQLITE_BUSY_MS}`);
      }
      await new Promise((r) => (attempt < 20 ? setImmediate(r) : setTimeout(r, Math.min(5, attempt - 19))));
    }
  }

  private async runMysql<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attemptNo = 1; ; attemptNo++) {
      const ctx: TxContext = { manager: undefined as unknown as EntityManager, afterCommit: [], pending: new Map() };
      try {
        const result = await this.dataSource.transaction('READ COMMITTED', (manager) => {
          ctx.manager = manager;
          return this.als.run(ctx, async () => {
            const r = await work(manager);
            await this.writePending(ctx);
            return r;
          });
        });
        this.flush(ctx);
        return result;
      } catch (e) {
        if (attemptNo < 8 && isRetryableConflict(e)) {
          await new Promise((r) => setTimeout(r, Math.random() * 20 * attemptNo));
          continue;
        }
        throw e;
      }
    }
  }

  private flush(ctx: TxContext): void {
    for (const fn of ctx.afterCommit) {
      void Promise.resolve()
        .then(fn)
        .catch((e) => this.logger.error(`afterCommit failed: ${(e as Error).stack ?? e}`));
    }
  }
}
