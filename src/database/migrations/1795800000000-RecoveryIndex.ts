import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Start-up recovery and the scheduler's half-minute check look for unfinished starts (active, revision 0) among
 * all active instances: IDX_workflow_instance_unfinished finds them without reading every active row (see
 * workflow-instance.entity.ts).
 */
export class RecoveryIndex1795800000000 implements MigrationInterface {
  name = 'RecoveryIndex1795800000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type !== 'better-sqlite3';
    await q.query(
      mysql
        ? 'CREATE INDEX `IDX_workflow_instance_unfinished` ON `workflow_instance` (`state`, `revision`, `started_at`)'
        : 'CREATE INDEX "IDX_workflow_instance_unfinished" ON "workflow_instance" ("state", "revision", "started_at") ',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type !== 'better-sqlite3';
    await q.query(
      mysql
        ? 'DROP INDEX `IDX_workflow_instance_unfinished` ON `workflow_instance`'
        : 'DROP INDEX "IDX_workflow_instance_unfinished"',
    );
  }
}
