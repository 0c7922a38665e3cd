import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, TimestampColumn } from '../../database/columns.js';

export type RegisterDirection = 'outgoing' | 'incoming';

/**
 * A register (sổ đăng ký văn bản đi / đến) of one agency for one year and one series, and its counter.
 * Decree 30/2020, art. 15 and 22.2: numbers are sequential within the year and restart at 01 on 1 January;
 * legal normative types and secret documents have their own series. `lastNumber` is the gap-free counter,
 * only moved inside the transaction that issues or registers a document (row locked meanwhile).
 */
@Entity('register')
@Index(['agencyId', 'series', 'year'], { unique: true })
export class RegisterEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  agencyId: string;

  @Column({ type: 'varchar', length: 10 })
  direction: RegisterDirection;

  /** `administrative`, `legal:<typeCode>`, `secret`, `incoming`, `incoming-secret`. */
  @Column({ type: 'varchar', length: 40 })
  series: string;

  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'integer', default: 0 })
  lastNumber: number;

  @TimestampColumn()
  createdAt: Date;
}

/** One line of a register, in the columns of Decree 30/2020 appendix IV. */
@Entity('register_entry')
@Index(['agencyId', 'registerId', 'year', 'number'], { unique: true })
@Index(['registerId', 'entryDate'])
@Index(['documentId'])
export class RegisterEntryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  agencyId: string;

  @IdColumn()
  registerId: string;

  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'integer' })
  number: number;

  @IdColumn()
  documentId: string;

  /** The issue date (outgoing) or arrival date (incoming). */
  @TimestampColumn()
  entryDate: Date;

  /** Appendix IV columns as text, keyed by column id (see register-layouts.ts). */
  @JsonColumn()
  columns: Record<string, string>;
}
