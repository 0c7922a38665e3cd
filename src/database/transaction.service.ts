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
}

/**
 * Every multi-row change runs through here.
 * - Nested calls join the outer transaction (AsyncLocalStorage).
 * - SQLite (one connection, one writer): transactions of this process are queued, so two flows never
 *   interleave statements on the shared connection; BEGIN IMMEDIATE takes the write lock up front so a
 *   transaction never fails half-way for want of it. While another process holds the lock, this one waits
 *   without blocking its event loop (see beginImmediate).
 * - MySQL: deadlocks and lock-wait timeouts are retried with jittered backoff.
 * - afterCommit callbacks run only once the outermost transaction has committed.
 */
@Injectable()
export class TransactionService {
  private readonly logger = new Logger('Transactions');
  private readonly als = new AsyncLocalStorage<TxContext>();
  private queue: Promise<unknown> = Promise.resolve();
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
      const ctx: TxContext = { manager: undefined as unknown as EntityManager, afterCommit: [] };
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
        result = await this.als.run(ctx, () => work(runner.manager));
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
      const ctx: TxContext = { manager: undefined as unknown as EntityManager, afterCommit: [] };
      try {
        const result = await this.dataSource.transaction('READ COMMITTED', (manager) => {
          ctx.manager = manager;
          return this.als.run(ctx, () => work(manager));
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
