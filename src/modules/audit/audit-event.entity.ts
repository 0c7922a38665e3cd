import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IdColumn, JsonColumn, TimestampColumn } from '../../database/columns.js';

/** Append-only, hash-chained record of every state change. One chain per agency (plus "system"). */
@Entity('audit_event')
@Index(['chain', 'id'])
@Index(['entityType', 'entityId'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  chain: string;

  @TimestampColumn()
  occurredAt: Date;

  @IdColumn({ nullable: true })
  actorId: string | null;

  @IdColumn({ nullable: true })
  agencyId: string | null;

  @Column({ type: 'varchar', length: 80 })
  action: string;

  @Column({ type: 'varchar', length: 60 })
  entityType: string;

  @Column({ type: 'varchar', length: 80, nullable: true })
  entityId: string | null;

  @JsonColumn({ nullable: true })
  data: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}

@Entity('audit_chain_head')
export class AuditChainHeadEntity {
  @Column({ type: 'varchar', length: 64, primary: true })
  chain: string;

  @Column({ type: 'varchar', length: 64 })
  lastHash: string;

  @Column({ type: 'integer', default: 0 })
  length: number;
}
