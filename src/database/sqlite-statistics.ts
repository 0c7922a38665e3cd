import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Periodic } from '../common/periodic.js';
import { TransactionService } from './transaction.service.js';

/**
 * SQLite's query planner chooses among indexes from the statistics ANALYZE keeps in sqlite_stat1; without them it
 * guesses from the indexes' shapes. At a province's scale a guess can read the whole province: "my overdue tasks"
 * (assignee, state open, due before now) went to the (state, due_at) index — every overdue task of all agencies,
 * 197 ms — where statistics make it take the assignee's index (0.06 ms); the hand-tuned list plans stay as they
 * are (bench/README.md, ninth pass). MySQL/MariaDB keep their own statistics (InnoDB's persistent statistics).
 * (The connection's analysis_limit bounds each ANALYZE: data-source-options.ts.)
 */

/** How often each process refreshes: a no-op (~0 ms) unless a table has grown or shrunk ~25× since analyzed. */
export const STATISTICS_REFRESH_MS = 3_600_000;

/**
 * Analyzes every table whose statistics are missing or stale (0x10002: check all tables, not only those this
 * connection has used). Run at start on the migration connection, before the app's own connection opens (which
 * then loads the result; in a cluster the first worker does the work, the others find nothing to do), and by the
 * scale generator once it has written its province.
 */
export async function analyzeStaleTables(ds: DataSource): Promise<void> {
  if (ds.options.type !== 'better-sqlite3') return;
  await ds.query('PRAGMA optimize = 0x10002');
}

/**
 * Keeps the statistics current while the server runs, in every process: a connection loads them only with the
 * schema, so another process's ANALYZE is not seen until `ANALYZE sqlite_schema` reloads them; then PRAGMA optimize
 * analyzes what has changed since (the first process to get there; the others then see fresh statistics). In a
 * transaction of TransactionService: the connection is shared, and ANALYZE writes (the write lock, ≤ ~2 s at 1M
 * documents, only when something is analyzed).
 */
@Injectable()
export class SqliteStatistics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SqliteStatistics');
  private readonly loop = new Periodic(() => this.refresh(), this.logger);

  constructor(private readonly tx: TransactionService) {}

  onModuleInit(): void {
    if (!this.tx.isSqlite) return;
    this.loop.start(STATISTICS_REFRESH_MS);
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** Reloads the statistics other processes wrote, then analyzes what has changed. */
  async refresh(): Promise<void> {
    await this.tx.run(async (m) => {
      await m.query('ANALYZE sqlite_schema');
      await m.query('PRAGMA optimize');
    });
  }
}
