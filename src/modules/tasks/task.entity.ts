import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, TimestampColumn } from '../../database/columns.js';

export type TaskState = 'open' | 'done' | 'cancelled';

/** Inbox item for one active (or finished) user task of a process instance. */
@Entity('task')
@Index(['engineKey'], { unique: true })
@Index(['state', 'agencyId'])
@Index(['assigneeId', 'state'])
@Index(['state', 'dueAt'])
// the deadline pass (task-deadlines.service.ts): open tasks not yet mailed, by due time
@Index('IDX_task_overdue_mail', ['state', 'overdueNotifiedAt', 'dueAt'])
@Index('IDX_task_due_soon_mail', ['state', 'dueSoonNotifiedAt', 'dueAt'])
@Index(['processInstanceId'])
@Index(['businessKey'])
@Index(['completedBy'])
export class TaskEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The engine's key of the user task (embedded id or Zeebe key). */
  @Column({ type: 'varchar', length: 100 })
  engineKey: string;

  @Column({ type: 'varchar', length: 100 })
  processInstanceId: string;

  @Column({ type: 'varchar', length: 100 })
  processId: string;

  @Column({ type: 'integer' })
  processVersion: number;

  @Column({ type: 'varchar', length: 100, nullable: true })
  businessKey: string | null;

  @Column({ type: 'varchar', length: 100 })
  elementId: string;

  @Column({ type: 'varchar', length: 300 })
  name: string;

  /** From the instance variable `agencyId`; null for flows started without one (admin trials). */
  @IdColumn({ nullable: true })
  agencyId: string | null;

  /** The unit the work belongs to: the unit of a `<role>@<unitId>` group, else the assignee's unit. */
  @IdColumn({ nullable: true })
  unitId: string | null;

  @IdColumn({ nullable: true })
  assigneeId: string | null;

  /** Set by a delegation: the person who handed the task on. */
  @IdColumn({ nullable: true })
  ownerId: string | null;

  @JsonColumn()
  candidateGroups: string[];

  @JsonColumn()
  candidateUsers: string[];

  @TimestampColumn({ nullable: true })
  dueAt: Date | null;

  @TimestampColumn({ nullable: true })
  followUpAt: Date | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  formId: string | null;

  @Column({ type: 'varchar', length: 12 })
  state: TaskState;

  /** The decision (`decision` field) given on completion. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  outcome: string | null;

  @IdColumn({ nullable: true })
  completedBy: string | null;

  @TimestampColumn({ nullable: true })
  completedAt: Date | null;

  @IdColumn({ nullable: true })
  claimedBy: string | null;

  @TimestampColumn({ nullable: true })
  claimedAt: Date | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  urgency: string | null;

  /** flash 3 > top-urgent 2 > urgent 1 > normal 0: the inbox sorts on it. */
  @Column({ type: 'integer', default: 0 })
  urgencyRank: number;

  @Column({ type: 'varchar', length: 30, nullable: true })
  secrecy: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  subject: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  cancelReason: string | null;

  @TimestampColumn({ nullable: true })
  dueSoonNotifiedAt: Date | null;

  @TimestampColumn({ nullable: true })
  overdueNotifiedAt: Date | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;
}

/** One candidate of a task, so "my groups" is an indexed query: a group (role [× unit]) or a user. */
@Entity('task_candidate')
@Index(['taskId'])
@Index(['role', 'agencyId'])
@Index(['userId'])
export class TaskCandidateEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  taskId: string;

  @IdColumn({ nullable: true })
  agencyId: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  role: string | null;

  @IdColumn({ nullable: true })
  unitId: string | null;

  @IdColumn({ nullable: true })
  userId: string | null;
}
