import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, LongTextColumn, TimestampColumn } from '../../database/columns.js';

/** One deployed version of a BPMN process. Versions are per process id; instances keep their version. */
@Entity('workflow_definition')
@Index(['processId', 'version'], { unique: true })
@Index(['processId', 'agencyId'])
export class WorkflowDefinitionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  processId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 200, default: '' })
  name: string;

  @LongTextColumn()
  xml: string;

  @Column({ type: 'varchar', length: 64 })
  checksum: string;

  @TimestampColumn()
  deployedAt: Date;

  @IdColumn({ nullable: true })
  deployedBy: string | null;

  /**
   * The agency owning this version (its tenant). processes/ belongs to the root of the agency tree (the province's
   * defaults); an agency's process administrator deploys variants owned by their agency. Version numbers stay one
   * sequence per process id, so (processId, version) names one definition whoever owns it. null: deployed before
   * any agency existed (a fresh installation's first start), read as the root's.
   */
  @IdColumn({ nullable: true })
  agencyId: string | null;

  /** startup (processes/ folder) or api (an administrator's upload). */
  @Column({ type: 'varchar', length: 10 })
  source: string;
}
