import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, TimestampColumn } from '../../database/columns.js';

/** Decree 30/2020 §6.3 states as stored; "due for transfer" is derived from transferDueAt. */
export type DossierState = 'open' | 'closed' | 'submitted' | 'archived' | 'destroyed';

export interface DocumentIndexLine {
  ordinal: number;
  documentId: string;
  number: string | null;
  notation: string | null;
  documentDate: string | null;
  typeName: string;
  subject: string;
  organName: string;
  pageCount: number;
  firstPage: number;
  notes: string;
}

/** A work file (hồ sơ), metadata of Decree 30/2020 appendix VI part II §III. */
@Entity('dossier')
@Index(['agencyId', 'year', 'state'])
@Index(['agencyId', 'responsibleUnitId'])
@Index(['filePlanEntryId'])
@Index(['creatorId'])
export class DossierEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  agencyId: string;

  /** FileCode = OrganId + FileCatalog + FileNotation (§4). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  code: string;

  /** FileCatalog. */
  @Column({ type: 'integer' })
  year: number;

  /** FileNotation. */
  @Column({ type: 'varchar', length: 20 })
  notation: string;

  @IdColumn({ nullable: true })
  filePlanEntryId: string | null;

  @Column({ type: 'varchar', length: 500 })
  title: string;

  @Column({ type: 'varchar', length: 500 })
  titleFolded: string;

  @Column({ type: 'boolean', default: false })
  retentionPermanent: boolean;

  @Column({ type: 'integer', nullable: true })
  retentionYears: number | null;

  /** Rights (access regime), String(30). */
  @Column({ type: 'varchar', length: 30, default: 'Hạn chế' })
  rights: string;

  @IdColumn()
  creatorId: string;

  /** Creator, String(30) in the appendix: the creator's name, cut to 30. */
  @Column({ type: 'varchar', length: 30 })
  creatorName: string;

  @IdColumn({ nullable: true })
  responsibleUnitId: string | null;

  @Column({ type: 'varchar', length: 50, default: 'Tiếng Việt' })
  language: string;

  @TimestampColumn({ nullable: true })
  startDate: Date | null;

  @TimestampColumn({ nullable: true })
  endDate: Date | null;

  @Column({ type: 'integer', default: 0 })
  docTotal: number;

  @Column({ type: 'integer', default: 0 })
  pageTotal: number;

  @Column({ type: 'varchar', length: 500, default: '' })
  description: string;

  /** Secret dossiers are seen only by their readers (and the creator). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  secrecy: string | null;

  @JsonColumn({ nullable: true })
  readerIds: string[] | null;

  @Column({ type: 'varchar', length: 12 })
  state: DossierState;

  @Column({ type: 'integer', default: 0 })
  nextOrder: number;

  @JsonColumn({ nullable: true })
  documentIndex: DocumentIndexLine[] | null;

  @TimestampColumn({ nullable: true })
  closedAt: Date | null;

  /** Decree 30/2020, art. 30.2: within one year after the work ends; extended by at most 2 years (art. 31.3d). */
  @TimestampColumn({ nullable: true })
  transferDueAt: Date | null;

  @TimestampColumn({ nullable: true })
  retainedUntil: Date | null;

  @TimestampColumn({ nullable: true })
  submittedAt: Date | null;

  @IdColumn({ nullable: true })
  archiveTransferId: string | null;

  @TimestampColumn({ nullable: true })
  archivedAt: Date | null;

  /** Fixed-term dossiers: acceptance + retention years. */
  @TimestampColumn({ nullable: true })
  retentionEndsAt: Date | null;

  @TimestampColumn({ nullable: true })
  destroyedAt: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  processInstanceId: string | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}

/** A document in a dossier: a reference, never a copy (appendix VI III.4.e). */
@Entity('dossier_item')
@Index(['dossierId', 'documentId'], { unique: true })
@Index(['documentId'])
export class DossierItemEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  dossierId: string;

  @IdColumn()
  documentId: string;

  /** Order number given when filed; never reused (the document index renumbers by date at closing). */
  @Column({ type: 'integer' })
  order: number;

  @Column({ type: 'varchar', length: 10 })
  source: 'workflow' | 'manual';

  @IdColumn({ nullable: true })
  addedById: string | null;

  @TimestampColumn()
  addedAt: Date;
}

/** Alerts of the dossier lifecycle (transfer due in 30 days, PL VI III.5.b), when notifications are absent. */
@Entity('dossier_alert')
@Index(['dossierId', 'kind'], { unique: true })
@Index(['agencyId'])
export class DossierAlertEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  dossierId: string;

  @IdColumn()
  agencyId: string;

  @Column({ type: 'varchar', length: 30 })
  kind: string;

  @TimestampColumn({ nullable: true })
  dueAt: Date | null;

  @TimestampColumn()
  createdAt: Date;
}
