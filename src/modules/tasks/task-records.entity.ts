import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, LongTextColumn, TimestampColumn } from '../../database/columns.js';

export type TaskEventType =
  | 'created'
  | 'claimed'
  | 'unclaimed'
  | 'reassigned'
  | 'delegated'
  | 'commented'
  | 'attached'
  | 'completed'
  | 'cancelled';

/** Task history: part of the processing trail of the document (Decree 30/2020, appendix VI, III.5.a). */
@Entity('task_event')
@Index(['taskId', 'seq'])
export class TaskEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  taskId: string;

  /** Order within the task (timestamps tie under a fixed test clock and within one millisecond). */
  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 20 })
  type: TaskEventType;

  @IdColumn({ nullable: true })
  actorId: string | null;

  @TimestampColumn()
  at: Date;

  @JsonColumn({ nullable: true })
  data: Record<string, unknown> | null;
}

@Entity('task_comment')
@Index(['taskId', 'createdAt'])
export class TaskCommentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  taskId: string;

  @IdColumn()
  authorId: string;

  @LongTextColumn()
  text: string;

  @TimestampColumn()
  createdAt: Date;
}

@Entity('task_attachment')
@Index(['taskId'])
export class TaskAttachmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  taskId: string;

  /** Content address in StorageService. */
  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'varchar', length: 255 })
  fileName: string;

  @Column({ type: 'varchar', length: 100 })
  mimeType: string;

  @Column({ type: 'integer' })
  size: number;

  @IdColumn()
  uploadedBy: string;

  @TimestampColumn()
  createdAt: Date;
}
