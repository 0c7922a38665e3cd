import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../../database/columns.js';

/** Decree 30/2020, art. 25: the three copy forms. */
export const COPY_FORMS = ['sao-y', 'sao-luc', 'trich-sao'] as const;
export type CopyForm = (typeof COPY_FORMS)[number];

/**
 * An electronic copy (bản sao điện tử) of an issued or received document (Decree 30/2020, art. 25–27): its own
 * PDF with the copy form's heading and the agency's digital signature, its own number in the copies register,
 * linked to the original. Whoever may see the original may see its copies (and nobody else).
 */
@Entity('document_copy')
@Index(['originalId'])
@Index(['agencyId', 'createdAt'])
export class DocumentCopyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  agencyId: string;

  @IdColumn()
  originalId: string;

  @Column({ type: 'varchar', length: 10 })
  form: CopyForm;

  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'integer' })
  number: number;

  /** "03/SY": the copy's number and the form's abbreviation (appendix I, copy layout). */
  @Column({ type: 'varchar', length: 30 })
  notation: string;

  /** Trích sao: the pages of the original copied ("1-2,4"); null for the whole document. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  pages: string | null;

  /** Nơi nhận of the copy. */
  @Column({ type: 'varchar', length: 500, default: '' })
  recipients: string;

  @Column({ type: 'varchar', length: 64 })
  pdfSha256: string;

  @IdColumn()
  createdBy: string;

  @TimestampColumn()
  createdAt: Date;
}
