import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, TimestampColumn } from '../../database/columns.js';

/** A waiting user task; its id is the key given to the tasks module. */
@Entity('workflow_user_task')
@Index(['instanceId'])
@Index(['executionId'])
export class WorkflowUserTaskEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  instanceId: string;

  @Column({ type: 'varchar', length: 100 })
  elementId: string;

  @Column({ type: 'varchar', length: 160 })
  executionId: string;

  @TimestampColumn()
  createdAt: Date;
}

/** Our own (message name, correlation key) index: bpmn-engine matches messages by id only (stack trap 8). */
@Entity('workflow_subscription')
@Index(['messageName', 'correlationKey'])
@Index(['instanceId'])
export class WorkflowSubscriptionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  instanceId: string;

  @Column({ type: 'varchar', length: 200 })
  messageName: string;

  @Column({ type: 'varchar', length: 200 })
  correlationKey: string;

  @Column({ type: 'varchar', length: 100 })
  elementId: string;

  @Column({ type: 'varchar', length: 160 })
  executionId: string;

  @TimestampColumn()
  createdAt: Date;
}

/** Timers as absolute due times, fired by our scheduler (bpmn-engine's setTimeout timers are lost on restart). */
@Entity('workflow_timer')
@Index(['dueAt'])
@Index(['instanceId'])
export class WorkflowTimerEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** null for a timer start event (then definitionId is set). */
  @IdColumn({ nullable: true })
  instanceId: string | null;

  @IdColumn({ nullable: true })
  definitionId: string | null;

  @Column({ type: 'varchar', length: 100 })
  elementId: string;

  @Column({ type: 'varchar', length: 160, nullable: true })
  executionId: string | null;

  @TimestampColumn()
  dueAt: Date;

  /** Remaining repetitions of a start-event cycle (-1 = unbounded), with the ISO period. */
  @Column({ type: 'integer', nullable: true })
  repeatLeft: number | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  period: string | null;
}

/** A service-task job that failed at least once: retries left, back-off, or an incident. */
@Entity('workflow_job')
@Index(['state', 'nextAttemptAt'])
@Index(['instanceId'])
export class WorkflowJobEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  jobKey: string;

  @IdColumn()
  instanceId: string;

  @Column({ type: 'varchar', length: 100 })
  elementId: string;

  @Column({ type: 'varchar', length: 100 })
  taskType: string;

  @Column({ type: 'integer' })
  retries: number;

  /** pending (waiting for its next attempt) | incident */
  @Column({ type: 'varchar', length: 10 })
  state: string;

  @TimestampColumn()
  nextAttemptAt: Date;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  lastError: string | null;
}

/** Job keys whose effect has been applied; written in the worker's transaction, so a replay is a no-op. */
@Entity('workflow_applied_job')
export class WorkflowAppliedJobEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  jobKey: string;

  @Column({ type: 'varchar', length: 100 })
  instanceId: string;

  @TimestampColumn()
  appliedAt: Date;

  /** The worker's output (or BPMN error) so a replay continues with the same result. */
  @JsonColumn({ nullable: true })
  result: Record<string, unknown> | null;
}

@Entity('workflow_incident')
@Index(['instanceId'])
@Index(['state'])
export class WorkflowIncidentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  instanceId: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  jobKey: string | null;

  @Column({ type: 'varchar', length: 100 })
  elementId: string;

  /** JOB_NO_RETRIES | UNHANDLED_ERROR_EVENT | EXTRACT_VALUE_ERROR | CONDITION_ERROR | ENGINE_ERROR */
  @Column({ type: 'varchar', length: 40 })
  type: string;

  @Column({ type: 'varchar', length: 1000 })
  message: string;

  /** open | resolved */
  @Column({ type: 'varchar', length: 10 })
  state: string;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn({ nullable: true })
  resolvedAt: Date | null;
}
