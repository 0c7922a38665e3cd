import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, LongTextColumn, TimestampColumn } from '../../database/columns.js';

export type InstanceState = 'active' | 'completed' | 'cancelled' | 'incident';

/** Process variables (Zeebe process scope) plus local scopes keyed by element execution id. */
export interface InstanceRuntime {
  vars: Record<string, unknown>;
  locals: Record<string, Record<string, unknown>>;
  /** Output of the job or task being completed, while its output mappings are applied. */
  pendingOutput?: Record<string, unknown>;
  /** Rows that exist for this instance, by execution id (so an advance needs no extra queries). */
  userTasks?: Record<string, string>;
  subscriptions?: Record<string, string>;
  timers?: Record<string, string>;
  /** Open history rows by execution id. */
  history?: Record<string, string>;
  failedJobs?: Record<string, true>;
  /** Job keys of in-flight jobs by execution id, and activations per element (keys are replay-stable, see InstanceRun). */
  jobKeys?: Record<string, string>;
  jobSeq?: Record<string, number>;
  seq?: number;
}

/** A process instance; for the embedded engine it also holds the engine snapshot saved at every wait state. */
@Entity('workflow_instance')
@Index(['businessKey'])
@Index(['processId', 'state'])
@Index(['state'])
@Index(['agencyId', 'state'])
@Index(['parentInstanceId'])
// unfinished starts (revision 0) among a province's active instances: start-up recovery and the scheduler's check
@Index('IDX_workflow_instance_unfinished', ['state', 'revision', 'startedAt'])
export class WorkflowInstanceEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  definitionId: string;

  @Column({ type: 'varchar', length: 100 })
  processId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 100, nullable: true })
  businessKey: string | null;

  /** The agency the instance runs for, set by the server at start (never read from variables afterwards). */
  @IdColumn({ nullable: true })
  agencyId: string | null;

  /**
   * The business object the server bound at start (a document or dossier started through its domain endpoint);
   * workers act on it alone. null for a generic instance, whose domain workers refuse to run.
   */
  @Column({ type: 'varchar', length: 12, nullable: true })
  objectType: 'document' | 'dossier' | null;

  @IdColumn({ nullable: true })
  objectId: string | null;

  @Column({ type: 'varchar', length: 12 })
  state: InstanceState;

  /** Incremented at every saved advance: a cached live engine is reused only when it matches. */
  @Column({ type: 'integer', default: 0 })
  revision: number;

  @LongTextColumn({ nullable: true })
  engineState: string | null;

  @JsonColumn()
  runtime: InstanceRuntime;

  @TimestampColumn()
  startedAt: Date;

  @TimestampColumn({ nullable: true })
  endedAt: Date | null;

  @IdColumn({ nullable: true })
  startedBy: string | null;

  @IdColumn({ nullable: true })
  parentInstanceId: string | null;

  @Column({ type: 'varchar', length: 160, nullable: true })
  parentExecutionId: string | null;
}

/** Activity history of an instance (kept after completion: part of the record of the document). */
@Entity('workflow_activity')
@Index(['instanceId', 'executionId'])
export class WorkflowActivityEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  instanceId: string;

  @Column({ type: 'varchar', length: 100 })
  elementId: string;

  @Column({ type: 'varchar', length: 60 })
  elementType: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  name: string;

  @Column({ type: 'varchar', length: 160 })
  executionId: string;

  /** active | completed | terminated */
  @Column({ type: 'varchar', length: 12 })
  state: string;

  @TimestampColumn()
  startedAt: Date;

  @TimestampColumn({ nullable: true })
  endedAt: Date | null;

  @IdColumn({ nullable: true })
  by: string | null;

  /** Order of events inside the instance (timestamps can tie). */
  @Column({ type: 'integer', default: 0 })
  seq: number;
}
