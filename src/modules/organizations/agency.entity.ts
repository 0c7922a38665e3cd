import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../../database/columns.js';

export type AgencyLevel = 'province' | 'department' | 'district' | 'commune' | 'other';

/**
 * An issuing body (cơ quan, tổ chức). The tree is data: `parentId` can change (a move) and an agency can be
 * merged into another (`mergedIntoId`, `active=false`); its documents, registers and dossiers keep pointing at
 * it, so history survives reorganisations. Each change is recorded in agency_change.
 */
@Entity('agency')
export class AgencyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** OrganId, QCVN 102:2016 form `000.00.00.H42`. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 13 })
  organId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  abbreviation: string;

  @Column({ type: 'varchar', length: 20 })
  level: AgencyLevel;

  @IdColumn({ nullable: true })
  parentId: string | null;

  /** Place name used in the document header ("Hà Tĩnh, ngày …"). */
  @Column({ type: 'varchar', length: 100, default: '' })
  placeName: string;

  /** Governing body shown above the issuing body in the header (cơ quan chủ quản), if any. */
  @Column({ type: 'varchar', length: 200, default: '' })
  governingBodyName: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @IdColumn({ nullable: true })
  mergedIntoId: string | null;

  @TimestampColumn()
  createdAt: Date;
}

@Entity('agency_change')
@Index(['agencyId'])
export class AgencyChangeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  agencyId: string;

  @Column({ type: 'varchar', length: 20 })
  kind: 'created' | 'moved' | 'merged' | 'renamed';

  @IdColumn({ nullable: true })
  fromParentId: string | null;

  @IdColumn({ nullable: true })
  toParentId: string | null;

  @IdColumn({ nullable: true })
  mergedIntoId: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  previousName: string | null;

  @TimestampColumn()
  at: Date;

  @IdColumn({ nullable: true })
  byUserId: string | null;
}
