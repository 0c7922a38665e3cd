import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, TimestampColumn } from '../../../database/columns.js';

export type ArchiveTransferState = 'submitted' | 'accepted' | 'rejected';

export interface VerifyProblem {
  path: string;
  code: string;
  message: string;
}

/** A transfer (nộp lưu) of closed dossiers to the agency archive, with its BagIt package. */
@Entity('archive_transfer')
@Index(['agencyId', 'state'])
export class ArchiveTransferEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  agencyId: string;

  @Column({ type: 'varchar', length: 12 })
  state: ArchiveTransferState;

  @JsonColumn()
  dossierIds: string[];

  @IdColumn()
  createdById: string;

  @TimestampColumn()
  createdAt: Date;

  @Column({ type: 'varchar', length: 64 })
  packageSha256: string;

  @Column({ type: 'integer' })
  packageSize: number;

  @TimestampColumn({ nullable: true })
  verifiedAt: Date | null;

  @JsonColumn({ nullable: true })
  verifyReport: { ok: boolean; problems: VerifyProblem[]; checkedFiles: number } | null;

  @IdColumn({ nullable: true })
  decidedById: string | null;

  @TimestampColumn({ nullable: true })
  decidedAt: Date | null;

  @JsonColumn({ nullable: true })
  reasons: string[] | null;
}
