import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, LongTextColumn, TimestampColumn } from '../../database/columns.js';

/** scan: a received image as it came (its PDF is 'main'); ocr: the searchable PDF/A copy made by digitization. */
export type FileRole = 'main' | 'signed' | 'attachment' | 'draft' | 'opinion' | 'scan' | 'ocr';

/** A stored file of a document: every draft version, the signed PDF, attachments, opinion attachments. */
@Entity('document_file')
@Index(['documentId', 'role', 'version'])
export class DocumentFileEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  documentId: string;

  @Column({ type: 'varchar', length: 12 })
  role: FileRole;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'varchar', length: 120 })
  mediaType: string;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'varchar', length: 500, default: '' })
  note: string;

  @IdColumn({ nullable: true })
  createdBy: string | null;

  @TimestampColumn()
  createdAt: Date;
}

/**
 * The processing trail (Decree 30/2020, appendix VI III.5.a and III.7): draft versions, opinions, directions,
 * approvals, returns, signatures, numbering, issuance, views. Kept beside the hash-chained audit log.
 */
@Entity('document_event')
@Index(['documentId', 'at'])
export class DocumentEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  documentId: string;

  @IdColumn()
  agencyId: string;

  @TimestampColumn()
  at: Date;

  @IdColumn({ nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 100, default: '' })
  actorName: string;

  @Column({ type: 'varchar', length: 40 })
  action: string;

  @LongTextColumn({ nullable: true })
  note: string | null;

  @JsonColumn({ nullable: true })
  data: Record<string, unknown> | null;
}

/**
 * Explicit readers: participants added by the flow (drafter, consultees, signer, handlers…) and people the
 * document is shared with. For secret documents this list is the only way in.
 */
@Entity('document_reader')
@Index(['userId', 'documentId'])
export class DocumentReaderEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  documentId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 20 })
  reason: string;
}

/** An internal recipient of an outgoing document, and the incoming document created at its agency. */
@Entity('document_recipient')
@Index(['documentId', 'agencyId'], { unique: true })
export class DocumentRecipientEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  documentId: string;

  @IdColumn()
  agencyId: string;

  @IdColumn({ nullable: true })
  incomingDocumentId: string | null;

  @TimestampColumn()
  sentAt: Date;
}
