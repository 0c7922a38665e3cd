import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lists filtered by direction and a date range (the register views, "this year's outgoing documents") read a
 * covering range of IDX_document_dated instead of the agency's whole list index; IDX_document_process finds
 * received documents without a process at start-up without scanning the table (see document.entity.ts); the two
 * task indexes let the deadline pass find the tasks not yet mailed without reading every overdue one (0.3 s of
 * blocked event loop a minute at 100,000 open tasks, see task.entity.ts).
 */
export class ScaleIndexes1795700000000 implements MigrationInterface {
  name = 'ScaleIndexes1795700000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type !== 'better-sqlite3';
    await q.query(
      mysql
        ? 'CREATE INDEX `IDX_document_dated` ON `document` (`agency_id`, `direction`, `created_at`, `status`, `secrecy`, `unit_id`, `urgency_rank`, `type_code`, `subject_folded`, `id`)'
        : 'CREATE INDEX "IDX_document_dated" ON "document" ("agency_id", "direction", "created_at", "status", "secrecy", "unit_id", "urgency_rank", "type_code", "subject_folded", "id") ',
    );
    await q.query(
      mysql
        ? 'CREATE INDEX `IDX_document_process` ON `document` (`process_instance_id`)'
        : 'CREATE INDEX "IDX_document_process" ON "document" ("process_instance_id") ',
    );
    await q.query(
      mysql
        ? 'CREATE INDEX `IDX_task_overdue_mail` ON `task` (`state`, `overdue_notified_at`, `due_at`)'
        : 'CREATE INDEX "IDX_task_overdue_mail" ON "task" ("state", "overdue_notified_at", "due_at") ',
    );
    await q.query(
      mysql
        ? 'CREATE INDEX `IDX_task_due_soon_mail` ON `task` (`state`, `due_soon_notified_at`, `due_at`)'
        : 'CREATE INDEX "IDX_task_due_soon_mail" ON "task" ("state", "due_soon_notified_at", "due_at") ',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type !== 'better-sqlite3';
    await q.query(mysql ? 'DROP INDEX `IDX_task_due_soon_mail` ON `task`' : 'DROP INDEX "IDX_task_due_soon_mail"');
    await q.query(mysql ? 'DROP INDEX `IDX_task_overdue_mail` ON `task`' : 'DROP INDEX "IDX_task_overdue_mail"');
    await q.query(mysql ? 'DROP INDEX `IDX_document_process` ON `document`' : 'DROP INDEX "IDX_document_process"');
    await q.query(mysql ? 'DROP INDEX `IDX_document_dated` ON `document`' : 'DROP INDEX "IDX_document_dated"');
  }
}
