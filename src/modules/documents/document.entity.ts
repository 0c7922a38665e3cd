import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, LongTextColumn, TimestampColumn } from '../../database/columns.js';

export type Direction = 'incoming' | 'outgoing';
export const OUTGOING_STATUSES = [
  'drafting',
  'consulting',
  'reviewing',
  'signing',
  'issuing',
  'issued',
  'filed',
] as const;
/** `returned`: sent back to its sender by the exchange; `cancelled`: recalled by it (Decree 30/2020, art. 18.4b). */
export const INCOMING_STATUSES = [
  'received',
  'registered',
  'directing',
  'handling',
  'done',
  'filed',
  'returned',
  'cancelled',
] as const;
export type DocumentStatus = (typeof OUTGOING_STATUSES)[number] | (typeof INCOMING_STATUSES)[number];
export const URGENCIES = ['urgent', 'top-urgent', 'flash'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const SECRECIES = ['confidential', 'secret', 'top-secret'] as const;
export type Secrecy = (typeof SECRECIES)[number];
export const SIGNER_AUTHORITIES = ['', 'TM.', 'KT.', 'Q.', 'TL.', 'TUQ.'] as const;

/**
 * An official document (văn bản), incoming or outgoing, with the metadata of Decree 30/2020 appendix VI
 * Part II §I (outgoing) and §II (incoming). `subjectFolded` holds the diacritic-free subject for search.
 *
 * Lists (bench/documents.ts, p99 < 50 ms at 1,000,000 documents): the wide index below starts with agency and
 * the urgency-first order, and covers every list filter (secrecy, direction, status, type, unit, notation,
 * folded subject) plus the id, so a page of ids and its total are answered from the index alone, substring
 * search included, without touching the rows; the page's rows are then read by id. It stays under MySQL's
 * 3072-byte key limit. (agency, created_at) serves date ranges and the newest/oldest orders; no other narrow
 * (agency, …) index exists on purpose, as planners would pick it for plain lists and read every row.
 * Lists with a direction and a date range (a year's outgoing documents, the register views) use the second wide
 * index instead: with every urgency rank spelled out in the query (DocumentQueryService.list), its (agency,
 * direction, urgency, created_at) prefix is one range of just those days per rank, read in the list's order,
 * still covering every filter; at 1,000,000 documents a page of ids 2.2 ms of SQLite (agency list index) → 0.3
 * ms ((agency, direction, created_at) order, then sorted) → 0.02 ms, its capped total ~0.15 ms.
 */
@Entity('document')
@Index('IDX_document_list', [
  'agencyId',
  'urgencyRank',
  'createdAt',
  'secrecy',
  'direction',
  'status',
  'typeCode',
  'unitId',
  'notation',
  'subjectFolded',
  'id',
])
@Index('IDX_document_dated', [
  'agencyId',
  'direction',
  'urgencyRank',
  'createdAt',
  'status',
  'secrecy',
  'unitId',
  'typeCode',
  'subjectFolded',
  'id',
])
@Index(['agencyId', 'notation'])
@Index(['agencyId', 'createdAt'])
@Index(['sourceDocumentId'])
// received documents whose incoming process has not started yet (InternalIssuanceService.startPending, at every
// start-up): without it, a full scan of the table (1.5 s at 1,000,000 documents, blocking the event loop)
@Index('IDX_document_process', ['processInstanceId'])
export class DocumentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  agencyId: string;

  @Column({ type: 'varchar', length: 10 })
  direction: Direction;

  @Column({ type: 'varchar', length: 20 })
  status: DocumentStatus;

  @Column({ type: 'varchar', length: 10 })
  typeCode: string;

  /** TypeName (100). */
  @Column({ type: 'varchar', length: 100 })
  typeName: string;

  /** Legal normative documents have their own number series per type (Decree 30/2020, art. 15.2). */
  @Column({ type: 'boolean', default: false })
  legalNormative: boolean;

  /** Subject / trích yếu (500). */
  @Column({ type: 'varchar', length: 500 })
  subject: string;

  @Column({ type: 'varchar', length: 500 })
  subjectFolded: string;

  /** Body text composed on the system (rendered with the type's template); null for uploaded documents. */
  @LongTextColumn({ nullable: true })
  body: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  urgency: Urgency | null;

  /** 0 normal, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc: lists sort on it first. */
  @Column({ type: 'integer', default: 0 })
  urgencyRank: number;

  @Column({ type: 'varchar', length: 20, nullable: true })
  secrecy: Secrecy | null;

  @Column({ type: 'varchar', length: 30, default: 'vi' })
  language: string;

  @Column({ type: 'integer', default: 0 })
  pageCount: number;

  @Column({ type: 'varchar', length: 500, default: '' })
  description: string;

  /** CodeNumber (11): "01". */
  @Column({ type: 'varchar', length: 11, nullable: true })
  number: string | null;

  /** Full number and notation "01/QĐ-SNV" (CodeNumber + "/" + CodeNotation). */
  @Column({ type: 'varchar', length: 42, nullable: true })
  notation: string | null;

  /** IssuedDate: issue date (outgoing) or the sender's document date (incoming). */
  @TimestampColumn({ nullable: true })
  documentDate: Date | null;

  /** OrganName (200): the issuing body. */
  @Column({ type: 'varchar', length: 200, default: '' })
  organName: string;

  @IdColumn({ nullable: true })
  senderAgencyId: string | null;

  @IdColumn({ nullable: true })
  drafterId: string | null;

  /** Drafting unit (outgoing) or main handling unit (incoming). */
  @IdColumn({ nullable: true })
  unitId: string | null;

  @IdColumn({ nullable: true })
  signerId: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  signerName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  signerTitle: string | null;

  /** TM., KT., Q., TL., TUQ. or '' (Decree 30/2020, art. 13). */
  @Column({ type: 'varchar', length: 10, default: '' })
  signerAuthority: string;

  @JsonColumn({ nullable: true })
  consulteeIds: string[] | null;

  @JsonColumn({ nullable: true })
  recipientAgencyIds: string[] | null;

  /** Recipients outside the installation, as printed in "Nơi nhận". */
  @JsonColumn({ nullable: true })
  externalRecipients: string[] | null;

  @IdColumn({ nullable: true })
  dossierId: string | null;

  @Column({ type: 'integer', default: 1 })
  issuedAmount: number;

  /** Reply deadline (outgoing) or handling deadline (incoming). */
  @TimestampColumn({ nullable: true })
  dueAt: Date | null;

  @IdColumn({ nullable: true })
  registerId: string | null;

  @TimestampColumn({ nullable: true })
  registeredAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  arrivalNumber: number | null;

  @TimestampColumn({ nullable: true })
  arrivalDate: Date | null;

  @IdColumn({ nullable: true })
  mainHandlerId: string | null;

  @JsonColumn({ nullable: true })
  coHandlerIds: string[] | null;

  @JsonColumn({ nullable: true })
  forInformationIds: string[] | null;

  @Column({ type: 'varchar', length: 1000, default: '' })
  instruction: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  processInstanceId: string | null;

  /** The outgoing document an internal issuance came from. */
  @IdColumn({ nullable: true })
  sourceDocumentId: string | null;

  @IdColumn({ nullable: true })
  replyToId: string | null;

  /** sha256 of the current PDF in storage (signed once signed). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  pdfSha256: string | null;

  @Column({ type: 'boolean', default: false })
  signed: boolean;

  @Column({ type: 'boolean', default: false })
  agencySigned: boolean;

  @Column({ type: 'boolean', default: false })
  overdue: boolean;

  @TimestampColumn({ nullable: true })
  issuedAt: Date | null;

  @TimestampColumn({ nullable: true })
  doneAt: Date | null;

  @IdColumn({ nullable: true })
  createdBy: string | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}
