import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, TimestampColumn } from '../../database/columns.js';

export type NotificationState = 'pending' | 'sent' | 'failed';

/**
 * Mail outbox: written in the transaction of the event it announces (so mail is never lost) and sent later by
 * the sender loop (so SMTP never blocks or fails the workflow).
 */
@Entity('notification')
@Index(['state', 'nextAttemptAt'])
@Index(['dedupeKey'], { unique: true })
@Index(['userId'])
export class NotificationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn({ nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 200 })
  toAddress: string;

  @Column({ type: 'varchar', length: 60 })
  template: string;

  @Column({ type: 'varchar', length: 5 })
  language: string;

  @JsonColumn()
  data: Record<string, unknown>;

  /** Optional: the same key is enqueued once only ("deadline approaching" once per task and person). */
  @Column({ type: 'varchar', length: 160, nullable: true })
  dedupeKey: string | null;

  @Column({ type: 'varchar', length: 10 })
  state: NotificationState;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @TimestampColumn()
  nextAttemptAt: Date;

  /** A sender holds the row until then (two app processes never send the same mail twice at once). */
  @TimestampColumn({ nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  lastError: string | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn({ nullable: true })
  sentAt: Date | null;
}
