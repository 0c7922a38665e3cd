import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { IsNull, LessThanOrEqual } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/clock.js';
import { Periodic } from '../../common/periodic.js';
import { TransactionService } from '../../database/transaction.service.js';
import { TaskNotifier } from './task-notifier.js';
import { TaskEntity } from './task.entity.js';

const DAY_MS = 24 * 3600_000;

/**
 * A pass may mark hundreds of tasks (a backlog of overdue work); better-sqlite3 answers synchronously, so the
 * awaits alone never let the event loop serve a request in between: yield after each task.
 */
const yieldToRequests = () => new Promise<void>((r) => setImmediate(r));
const LOOP_MS = 60_000;

/**
 * Sends "deadline approaching" (24 h before the due time) and "overdue" mails, each once per task: the flag
 * is set by a conditional update in the same transaction as the outbox row, so two app processes or two runs
 * never send it twice.
 */
@Injectable()
export class TaskDeadlineScheduler implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TaskDeadlines');
  private readonly loop = new Periodic(() => this.runOnce(), this.logger);

  constructor(
    private readonly tx: TransactionService,
    private readonly notifier: TaskNotifier,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.backgroundWork === false) return; // another HTTP worker process runs the loop
    this.loop.start(LOOP_MS);
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass; returns how many tasks got a mail queued. */
  async runOnce(): Promise<{ dueSoon: number; overdue: number }> {
    const now = this.clock.now();
    const repo = this.tx.manager.getRepository(TaskEntity);
    let overdue = 0;
    let dueSoon = 0;
    const late = await repo.find({
      where: { state: 'open', dueAt: LessThanOrEqual(now), overdueNotifiedAt: IsNull() },
      take: 500,
    });
    for (const t of late) {
      if (await this.mark(t, 'overdueNotifiedAt', now)) overdue++;
      await yieldToRequests();
    }
    const soon = await repo
      .createQueryBuilder('t')
      .where("t.state = 'open' AND t.dueAt > :now AND t.dueAt <= :limit AND t.dueSoonNotifiedAt IS NULL", {
        now,
        limit: new Date(now.getTime() + DAY_MS),
      })
      .take(500)
      .getMany();
    for (const t of soon) {
      if (await this.mark(t, 'dueSoonNotifiedAt', now)) dueSoon++;
      await yieldToRequests();
    }
    return { dueSoon, overdue };
  }

  private mark(t: TaskEntity, flag: 'overdueNotifiedAt' | 'dueSoonNotifiedAt', now: Date): Promise<boolean> {
    return this.tx.run(async (m) => {
      const column = flag === 'overdueNotifiedAt' ? 'overdue_notified_at' : 'due_soon_notified_at';
      const r = await m
        .createQueryBuilder()
        .update(TaskEntity)
        .set(flag === 'overdueNotifiedAt' ? { overdueNotifiedAt: now } : { dueSoonNotifiedAt: now })
        .where(`id = :id AND state = 'open' AND ${column} IS NULL`, { id: t.id })
        .execute();
      if (!r.affected) return false;
      const kind = flag === 'overdueNotifiedAt' ? 'overdue' : 'deadline-approaching';
      await this.notifier.send(kind, t, this.notifier.recipients(t), m);
      return true;
    });
  }
}
