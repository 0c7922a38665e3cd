import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../../database/columns.js';

export type FilePlanState = 'draft' | 'approved';

/** The annual file plan (danh mục hồ sơ) of an agency, approved by its head (Decree 30/2020, art. 28). */
@Entity('file_plan')
@Index(['agencyId', 'year'], { unique: true })
export class FilePlanEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  agencyId: string;

  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'varchar', length: 10 })
  state: FilePlanState;

  @IdColumn({ nullable: true })
  approvedById: string | null;

  @TimestampColumn({ nullable: true })
  approvedAt: Date | null;

  @TimestampColumn()
  createdAt: Date;
}

export type FilePlanLineKind = 'heading' | 'subheading' | 'entry';

/**
 * One line of a file plan: a heading (Roman numeral, with the abbreviation used in notations), a sub-heading
 * (Arabic numeral, restarting under each heading) or an entry (an expected dossier, notation `NN.ABBR`).
 * Decree 30/2020, appendix V §I–II.
 */
@Entity('file_plan_entry')
@Index(['filePlanId', 'position'])
@Index(['agencyId', 'year'])
export class FilePlanEntryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  filePlanId: string;

  @IdColumn()
  agencyId: string;

  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'varchar', length: 12 })
  kind: FilePlanLineKind;

  /** Heading of a sub-heading or entry; sub-heading of an entry when it has one. */
  @IdColumn({ nullable: true })
  headingId: string | null;

  @IdColumn({ nullable: true })
  subheadingId: string | null;

  /** Display order in the plan. */
  @Column({ type: 'integer' })
  position: number;

  /** "I", "II" for headings; "1", "2" for sub-headings; empty for entries. */
  @Column({ type: 'varchar', length: 10, default: '' })
  number: string;

  /** Headings: abbreviation used in entry notations (TCCB, TH…). */
  @Column({ type: 'varchar', length: 20, default: '' })
  abbreviation: string;

  /** Entries: `NN.ABBR` (FileNotation, String(20)). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  notation: string | null;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  @Column({ type: 'boolean', default: false })
  retentionPermanent: boolean;

  @Column({ type: 'integer', nullable: true })
  retentionYears: number | null;

  @IdColumn({ nullable: true })
  responsibleUnitId: string | null;

  @IdColumn({ nullable: true })
  responsiblePersonId: string | null;

  @Column({ type: 'varchar', length: 500, default: '' })
  notes: string;
}
