import { Injectable } from '@nestjs/common';
import { Clock, IdGenerator } from '../../common/clock.js';
import { badRequest, conflict, forbidden, notFound } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import type { AuthUser } from '../auth/index.js';
import { UserEntity } from '../organizations/index.js';
import { StorageService } from '../storage/index.js';
import { TaskAccess } from './task-access.js';
import { TaskListenerService } from './task-listener.service.js';
import { TaskNotifier } from './task-notifier.js';
import { toTaskView, type TaskView } from './task.mapper.js';
import { TaskEntity } from './task.entity.js';
import { TaskAttachmentEntity, TaskCommentEntity } from './task-records.entity.js';
import { TasksService } from './tasks.service.js';

/** Reassignment and delegation by unit heads and leaders; comments and attachments on a task. */
@Injectable()
export class TaskCollaborationService {
  constructor(
    private readonly tx: TransactionService,
    private readonly access: TaskAccess,
    private readonly listener: TaskListenerService,
    private readonly notifier: TaskNotifier,
    private readonly storage: StorageService,
    private readonly tasks: TasksService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * Leaders (leader, deputy) may hand a task of their agency to anyone in it; a unit head only tasks of the
   * unit, to people of the unit. `delegate` keeps who handed it on (ownerId) in the record.
   */
  async reassign(user: AuthUser, id: string, userId: string, mode: 'reassigned' | 'delegated'): Promise<TaskView> {
    return this.tx.run(async (m) => {
      const t = await this.access.load(m, user, id, true);
      if (t.state !== 'open') throw conflict('TASK_NOT_OPEN');
      if (!this.access.isLeaderOver(user, t)) throw forbidden();
      const target = await m.findOne(UserEntity, { where: { id: userId } });
      if (!target || !target.active || target.agencyId !== t.agencyId) throw notFound('user', userId);
      const { agencyIds, unitIds } = this.access.leadership(user);
      if (!agencyIds.includes(t.agencyId!) && !(target.unitId && unitIds.includes(target.unitId)))
        throw badRequest('TASK_REASSIGN_OUT_OF_SCOPE', {}, { field: 'userId' });
      const now = this.clock.now();
      const previous = t.assigneeId;
      const patch = {
        assigneeId: target.id,
        claimedBy: null,
        claimedAt: null,
        unitId: t.candidateGroups.some((g) => g.includes('@')) ? t.unitId : (target.unitId ?? t.unitId),
        ownerId: mode === 'delegated' ? (t.ownerId ?? previous ?? user.id) : t.ownerId,
        updatedAt: now,
      };
      Object.assign(t, patch);
      await m.update(TaskEntity, { id: t.id }, patch);
      const eventId = this.ids.next();
      await this.listener.event(m, t, mode, user.id, { fromUserId: previous, toUserId: target.id });
      await this.notifier.send('task-assigned', t, [target.id], m, `:${eventId}`);
      return toTaskView(t, now);
    });
  }

  async addComment(user: AuthUser, id: string, text: string) {
    return this.tx.run(async (m) => {
      const t = await this.access.load(m, user, id);
      const c = m.create(TaskCommentEntity, {
        id: this.ids.next(),
        taskId: t.id,
        authorId: user.id,
        text: text.normalize('NFC'),
        createdAt: this.clock.now(),
      });
      await m.insert(TaskCommentEntity, c);
      await this.listener.event(m, t, 'commented', user.id, { commentId: c.id });
      return {
        id: c.id,
        authorId: user.id,
        authorName: user.fullName,
        text: c.text,
        createdAt: c.createdAt.toISOString(),
      };
    });
  }

  async comments(user: AuthUser, id: string) {
    const m = this.tx.manager;
    const t = await this.access.load(m, user, id);
    const rows = await m.find(TaskCommentEntity, { where: { taskId: t.id }, order: { createdAt: 'ASC' } });
    const names = await this.tasks.userNames(rows.map((r) => r.authorId));
    return rows.map((c) => ({
      id: c.id,
      authorId: c.authorId,
      authorName: names.get(c.authorId) ?? null,
      text: c.text,
      createdAt: c.createdAt.toISOString(),
    }));
  }

  async addAttachment(user: AuthUser, id: string, file: Express.Multer.File | undefined) {
    if (!file?.buffer) throw badRequest('TASK_ATTACHMENT_REQUIRED', {}, { field: 'file' });
    // Access is checked before anything is stored; the content is written before the row (no dangling row).
    await this.access.load(this.tx.manager, user, id);
    const stored = await this.storage.put(file.buffer);
    return this.tx.run(async (m) => {
      const t = await this.access.load(m, user, id);
      const a = m.create(TaskAttachmentEntity, {
        id: this.ids.next(),
        taskId: t.id,
        sha256: stored.sha256,
        fileName: Buffer.from(file.originalname, 'latin1').toString('utf8').normalize('NFC').slice(0, 255),
        mimeType: (file.mimetype || 'application/octet-stream').slice(0, 100),
        size: stored.size,
        uploadedBy: user.id,
        createdAt: this.clock.now(),
      });
      await m.insert(TaskAttachmentEntity, a);
      await this.listener.event(m, t, 'attached', user.id, {
        attachmentId: a.id,
        fileName: a.fileName,
        sha256: a.sha256,
      });
      return toAttachmentView(a);
    });
  }

  async attachments(user: AuthUser, id: string) {
    const m = this.tx.manager;
    const t = await this.access.load(m, user, id);
    const rows = await m.find(TaskAttachmentEntity, { where: { taskId: t.id }, order: { createdAt: 'ASC' } });
    return rows.map(toAttachmentView);
  }

  async attachment(user: AuthUser, id: string, attachmentId: string) {
    const m = this.tx.manager;
    const t = await this.access.load(m, user, id);
    const a = await m.findOne(TaskAttachmentEntity, { where: { id: attachmentId, taskId: t.id } });
    if (!a) throw notFound('attachment', attachmentId);
    return { meta: toAttachmentView(a), content: await this.storage.get(a.sha256) };
  }
}

const toAttachmentView = (a: TaskAttachmentEntity) => ({
  id: a.id,
  fileName: a.fileName,
  mimeType: a.mimeType,
  size: a.size,
  sha256: a.sha256,
  uploadedBy: a.uploadedBy,
  createdAt: a.createdAt.toISOString(),
});
