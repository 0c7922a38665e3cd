import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, LongTextColumn, TimestampColumn } from '../../database/columns.js';

export type ContentJobStatus = 'queued' | 'running' | 'done' | 'failed';
/** ocr: a scan made searchable by OCRmyPDF; extract: text taken from a PDF as it is (born-digital or signed). */
export type ContentJobMode = 'ocr' | 'extract' | 'pending';

/**
 * One stored file of a document waiting for (or done with) its text: the durable queue of the digitization
 * module. A row is inserted in the same transaction as the document_file row it names, so a file is never
 * stored without its job, and a crash leaves the job queued or running with an expired lease (taken again).
 */
@Entity('content_job')
@Index('IDX_content_job_queue', ['status', 'nextAttemptAt'])
@Index(['documentId'])
@Index(['agencyId', 'createdAt'])
export class ContentJobEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  documentId: string;

  @IdColumn()
  agencyId: string;

  @IdColumn()
  fileId: string;

  @Column({ type: 'varchar', length: 255 })
  fileName: string;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'varchar', length: 120 })
  mediaType: string;

  @Column({ type: 'varchar', length: 12 })
  status: ContentJobStatus;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  mode: ContentJobMode;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @TimestampColumn()
  nextAttemptAt: Date;

  /** While running: until when the worker holds it (a crashed worker's job is taken again after it). */
  @TimestampColumn({ nullable: true })
  leaseUntil: Date | null;

  /** 0–100, shown per file in the web app. */
  @Column({ type: 'integer', default: 0 })
  progress: number;

  @Column({ type: 'integer', default: 0 })
  pageCount: number;

  /** Lowest resolution of the scan's images (dpi); null for a born-digital PDF. */
  @Column({ type: 'integer', nullable: true })
  minDpi: number | null;

  /** Below 200 dpi (Circular 01/2019/TT-BNV: scans at 200 dpi or more). */
  @Column({ type: 'boolean', default: false })
  lowDpi: boolean;

  /** The file carries a signature: its bytes are never rewritten, only its text read. */
  @Column({ type: 'boolean', default: false })
  signed: boolean;

  /** The searchable PDF/A-2b copy made by OCR (kept beside the original). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  outputSha256: string | null;

  @Column({ type: 'varchar', length: 1000, default: '' })
  lastError: string;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}

/**
 * The text of one page of a stored file, as read (NFC). The full-text index over it (content_fts: an FTS5 table
 * on SQLite, an InnoDB FULLTEXT table on MariaDB) is maintained beside it by ContentIndex, outside TypeORM's
 * entities because neither kind of index is something TypeORM can describe on both drivers.
 */
@Entity('content_page')
@Index(['documentId', 'page'])
@Index(['jobId'])
export class ContentPageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  jobId: string;

  @IdColumn()
  documentId: string;

  @IdColumn()
  agencyId: string;

  @Column({ type: 'varchar', length: 255 })
  fileName: string;

  @Column({ type: 'integer' })
  page: number;

  @LongTextColumn()
  text: string;
}

/**
 * A file taken from an agency's consume folder: the key (agency, sha256) is written in the same transaction as
 * the document, so a file seen again after a crash between storing and removing it is removed, not stored twice.
 */
@Entity('consume_intake')
@Index(['agencyId', 'sha256'], { unique: true })
export class ConsumeIntakeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  agencyId: string;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @IdColumn()
  documentId: string;

  @Column({ type: 'varchar', length: 255 })
  fileName: string;

  @TimestampColumn()
  createdAt: Date;
}
