import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, LongTextColumn, TimestampColumn } from '../../database/columns.js';

/** One deployed version of a BPMN process. Versions are per process id; instances keep their version. */
@Entity('workflow_definition')
@Index(['processId', 'version'], { unique: true })
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

  /** startup (processes/ folder) or api (an administrator's upload). */
  @Column({ type: 'varchar', length: 10 })
  source: string;
}
