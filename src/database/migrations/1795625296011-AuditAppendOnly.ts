import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit log is append-only at the database level too: UPDATE and DELETE on audit_event are refused. */
export class AuditAppendOnly1795625296011 implements MigrationInterface {
  name = 'AuditAppendOnly1795625296011';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'better-sqlite3') {
      await q.query(
        `CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_event is append-only'`,
      );
      await q.query(
        `CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_event is append-only'`,
      );
    } else {
      await q.query(
        `CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END`,
      );
      await q.query(
        `CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_event_no_update`);
    await q.query(`DROP TRIGGER audit_event_no_delete`);
  }
}
