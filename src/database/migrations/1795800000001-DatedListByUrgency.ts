import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * IDX_document_dated in the urgency-first order of the lists: (agency, direction, urgency, created_at, …) instead
 * of (agency, direction, created_at, …, urgency, …). A year's page of ids is then read in order, one date range per
 * rank, instead of sorting the whole year (see document.entity.ts).
 */
const COLUMNS = [
  'agency_id',
  'direction',
  'urgency_rank',
  'created_at',
  'status',
  'secrecy',
  'unit_id',
  'type_code',
  'subject_folded',
  'id',
];
const BEFORE = [
  'agency_id',
  'direction',
  'created_at',
  'status',
  'secrecy',
  'unit_id',
  'urgency_rank',
  'type_code',
  'subject_folded',
  'id',
];

export class DatedListByUrgency1795800000001 implements MigrationInterface {
  name = 'DatedListByUrgency1795800000001';

  async up(q: QueryRunner): Promise<void> {
    await this.recreate(q, COLUMNS);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.recreate(q, BEFORE);
  }

  private async recreate(q: QueryRunner, columns: string[]): Promise<void> {
    const mysql = q.connection.options.type !== 'better-sqlite3';
    if (mysql) {
      await q.query('DROP INDEX `IDX_document_dated` ON `document`');
      await q.query(
        `CREATE INDEX \`IDX_document_dated\` ON \`document\` (${columns.map((c) => `\`${c}\``).join(', ')})`,
      );
    } else {
      await q.query('DROP INDEX "IDX_document_dated"');
      await q.query(`CREATE INDEX "IDX_document_dated" ON "document" (${columns.map((c) => `"${c}"`).join(', ')}) `);
    }
  }
}
