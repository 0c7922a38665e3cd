import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { runMigrations } from '../../src/database/migrator.js';
import { analyzeStaleTables, SqliteStatistics } from '../../src/database/sqlite-statistics.js';
import { TransactionService } from '../../src/database/transaction.service.js';
import { isMysql } from '../support/test-app.js';

/**
 * The query that went province-wide without statistics: one user's open tasks past their due time. With
 * statistics the planner takes the (assignee_id, state) index; without, the (state, due_at) one — every overdue
 * task of every agency.
 */
const OVERDUE_OF_ONE = `SELECT COUNT(*) AS n FROM task WHERE assignee_id = ? AND state = 'open' AND due_at < ?`;

async function indexOf(ds: DataSource): Promise<string> {
  const rows: { detail: string }[] = await ds.query(`EXPLAIN QUERY PLAN ${OVERDUE_OF_ONE}`, ['user-1', '2030-01-01']);
  const [name] = await ds.query(
    `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'task' AND sql LIKE '%("assignee_id", "state")%'`,
  );
  const detail = rows.map((r) => r.detail).join(' | ');
  return detail.includes(name.name) ? 'assignee' : detail;
}

describe('SQLite planner statistics', { skip: isMysql && 'SQLite only: MariaDB keeps its own statistics' }, () => {
  let dir: string;
  const open = async () => {
    const ds = new DataSource(dataSourceOptions({ type: 'sqlite', path: join(dir, 'hoso.sqlite') }));
    return ds.initialize();
  };
  let writer: DataSource;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hoso-stats-'));
    writer = await open();
    await runMigrations(writer);
    // a province's shape in small: 6,000 open tasks past due, 10 per assignee
    await writer.transaction(async (m) => {
      for (let i = 0; i < 6000; i++)
        await m.query(
          `INSERT INTO task (id, engine_key, process_instance_id, process_id, process_version, element_id, name,
             candidate_groups, candidate_users, state, assignee_id, due_at, created_at, updated_at)
           VALUES (?, ?, 'pi', 'p', 1, 'e', 'n', '[]', '[]', 'open', ?, '2026-01-01 00:00:00.000',
             '2025-12-01 00:00:00.000', '2025-12-01 00:00:00.000')`,
          [`t-${i}`, `k-${i}`, `user-${i % 600}`],
        );
    });
  });
  after(async () => {
    await writer.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('analyzes at start, so a new connection plans with the statistics', async () => {
    const before = await open();
    assert.notEqual(await indexOf(before), 'assignee', 'without statistics the planner guesses the state index');
    await before.destroy();

    await analyzeStaleTables(writer);
    const [stat] = await writer.query(`SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'task'`);
    assert.ok(Number(stat.n) > 0, 'task statistics written');

    const after = await open();
    assert.equal(await indexOf(after), 'assignee');
    await after.destroy();
  });

  it("refreshes a running process's connection with another process's statistics, without analyzing again", async () => {
    await writer.query(`ANALYZE`);
    await writer.query(`DELETE FROM sqlite_stat1`);
    const running = await open(); // a worker that started without statistics
    try {
      assert.notEqual(await indexOf(running), 'assignee');
      // another process analyzes; its figures carry a mark (a row count of 6001 instead of 6000) that a second
      // analysis would overwrite
      await writer.query(`ANALYZE`);
      await writer.query(`UPDATE sqlite_stat1 SET stat = '6001' || substr(stat, 5) WHERE tbl = 'task'`);
      const marked = await writer.query(`SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'task' ORDER BY idx`);
      assert.ok(marked.length > 0 && marked.every((r: { stat: string }) => r.stat.startsWith('6001 ')));
      assert.notEqual(await indexOf(running), 'assignee', 'statistics load with the schema only');

      await new SqliteStatistics(new TransactionService(running)).refresh();
      assert.equal(await indexOf(running), 'assignee');
      assert.deepEqual(
        await writer.query(`SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'task' ORDER BY idx`),
        marked,
        'reloaded, not analyzed a second time',
      );
    } finally {
      await running.destroy();
    }
  });
});
