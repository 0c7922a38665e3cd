import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { formatViDate } from '../../common/business-time.js';
import { NotificationsService } from '../notifications/index.js';
import type { TaskEntity } from './task.entity.js';

const URGENCY_LABEL: Record<string, string> = { flash: 'Hỏa tốc', 'top-urgent': 'Thượng khẩn', urgent: 'Khẩn' };

export type TaskMailKind = 'task-assigned' | 'deadline-approaching' | 'overdue';

/** Mails about tasks, queued in the transaction of the change. Secret tasks get a link only. */
@Injectable()
export class TaskNotifier {
  constructor(
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Recipients: the assignee, else the candidate users named on the task (groups are not mailed). */
  recipients(t: TaskEntity): string[] {
    return t.assigneeId ? [t.assigneeId] : [...new Set(t.candidateUsers ?? [])];
  }

  async send(kind: TaskMailKind, t: TaskEntity, userIds: string[], manager: EntityManager, tag = ''): Promise<void> {
    for (const userId of userIds) {
      await this.notifications.enqueue(
        {
          userId,
          template: kind,
          secret: !!t.secrecy,
          dedupeKey: `task:${t.id}:${kind}${tag}:${userId}`.slice(0, 160),
          data: {
            taskName: t.name,
            subject: t.subject ?? '',
            dueDate: t.dueAt ? formatViDate(t.dueAt, this.config.timezone) : '',
            urgencyLabel: t.urgency ? (URGENCY_LABEL[t.urgency] ?? '') : '',
            link: `${this.notifications.publicUrl}/tasks/${t.id}`,
          },
        },
        manager,
      );
    }
  }
}
