import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { fastInsert } from '../../database/fast-sql.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { AuditService } from '../audit/index.js';
import { UnitEntity, UserEntity } from '../organizations/index.js';
import type { UserTaskInfo, UserTaskListener } from '../workflow/index.js';
import { EngineRef } from '../workflow/index.js';
import { resolveDueDate } from './task-due-dates.js';
import { TaskNotifier } from './task-notifier.js';
import { URGENCY_RANK } from './task.mapper.js';
import { TaskCandidateEntity, TaskEntity } from './task.entity.js';
import { TaskEventEntity, type TaskEventType } from './task-records.entity.js';

const str = (v: unknown, max: number): string | null =>
  typeof v === 'string' && v.trim() ? v.trim().normalize('NFC').slice(0, max) : null;

/** Parses `<role>` / `<role>@<unitId>`. */
export function parseGroup(group: string): { role: string; unitId: string | null } {
  const at = group.indexOf('@');
  return at < 0
    ? { role: group.trim(), unitId: null }
    : { role: group.slice(0, at).trim(), unitId: group.slice(at + 1).trim() };
}

/**
 * Turns the engine's user tasks into inbox rows. Called by the engine inside the transaction that saves the
 * instance state, so a task exists exactly when its wait state does; replays (same key) are no-ops.
 */
@Injectable()
export class TaskListenerService implements UserTaskListener, OnModuleInit {
  private readonly logger = new Logger('Tasks');

  constructor(
    private readonly engine: EngineRef,
    private readonly audit: AuditService,
    private readonly notifier: TaskNotifier,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const engine = this.engine.find();
    if (engine) engine.onUserTask(this);
    else this.logger.warn('no WorkflowEngine provider: user tasks will not reach the inbox');
  }

  async created(info: UserTaskInfo, m: EntityManager): Promise<void> {
    if (await m.exists(TaskEntity, { where: { engineKey: info.key } })) return;
    const vars = info.variables ?? {};
    const now = this.clock.now();
    let groups = (info.candidateGroups ?? []).map(String).filter(Boolean);
    let users = [...new Set((info.candidateUsers ?? []).map(String).filter(Boolean))];
    let assignee = info.assignee ? String(info.assignee) : null;
    let agencyId: string | null;
    let dropped: Record<string, unknown> | null = null;
    if (info.agencyId !== undefined && info.agencyId !== null) {
      // The task belongs to the instance's agency, as the server bound it at start: a model (an agency's own
      // variant, a generic instance) can name people and units only of that agency. Others are dropped, audited.
      agencyId = info.agencyId;
      const own = await this.ownPeople(m, agencyId, groups, users, assignee);
      dropped = own.dropped;
      ({ groups, users, assignee } = own);
    } else agencyId = null;
    const groupUnit = groups.map(parseGroup).find((g) => g.unitId)?.unitId ?? null;
    const assigneeRow = assignee ? await m.findOne(UserEntity, { where: { id: assignee } }) : null;
    const unitRow = groupUnit ? await m.findOne(UnitEntity, { where: { id: groupUnit } }) : null;
    agencyId ??= str(vars.agencyId, 36) ?? assigneeRow?.agencyId ?? unitRow?.agencyId ?? null;
    if (!agencyId && users.length)
      agencyId = (await m.findOne(UserEntity, { where: { id: users[0] } }))?.agencyId ?? null;
    // The raw due date wins: a duration counts working days, a bare date is 17:00 local (Decree 30/2020);
    // the engine's evaluated date is kept otherwise (Zeebe headers).
    const dueAt = info.dueDate
      ? (resolveDueDate(info.dueDate, now, this.config.timezone, this.config.publicHolidays) ?? info.dueAt ?? null)
      : (info.dueAt ?? null);
    const urgency = str(vars.urgency, 20);
    const task = m.create(TaskEntity, {
      id: this.ids.next(),
      engineKey: info.key,
      processInstanceId: info.processInstanceId,
      processId: info.processId,
      processVersion: info.processVersion,
      businessKey: info.businessKey,
      elementId: info.elementId,
      name: (info.name || info.elementId).slice(0, 300),
      agencyId,
      unitId: groupUnit ?? assigneeRow?.unitId ?? null,
      assigneeId: assignee,
      ownerId: null,
      candidateGroups: groups,
      candidateUsers: users,
      dueAt,
      followUpAt: info.followUpAt ?? null,
      formId: info.formId ?? null,
      state: 'open',
      outcome: null,
      completedBy: null,
      completedAt: null,
      claimedBy: null,
      claimedAt: null,
      urgency,
      urgencyRank: URGENCY_RANK[urgency ?? 'normal'] ?? 0,
      secrecy: str(vars.secrecy, 30),
      subject: str(vars.subject, 500),
      cancelReason: null,
      dueSoonNotifiedAt: null,
      overdueNotifiedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await m.insert(TaskEntity, task);
    const candidates = [
      ...groups.map((g) => ({ ...parseGroup(g), userId: null })),
      ...users.map((u) => ({ role: null, unitId: null, userId: u })),
    ];
    for (const c of candidates)
      await m.insert(TaskCandidateEntity, { id: this.ids.next(), taskId: task.id, agencyId, ...c });
    await this.event(m, task, 'created', null, {
      assigneeId: assignee,
      candidateGroups: groups,
      candidateUsers: users,
      ...(dropped ? { dropped } : {}),
    });
    await this.notifier.send('task-assigned', task, this.notifier.recipients(task), m);
  }

  /** Keeps the assignee, candidate users and unit groups that belong to `agencyId`; says what it dropped. */
  private async ownPeople(
    m: EntityManager,
    agencyId: string,
    groups: string[],
    users: string[],
    assignee: string | null,
  ): Promise<{ groups: string[]; users: string[]; assignee: string | null; dropped: Record<string, unknown> | null }> {
    const userIds = [...new Set([...users, ...(assignee ? [assignee] : [])])];
    const unitIds = [...new Set(groups.map(parseGroup).flatMap((g) => (g.unitId ? [g.unitId] : [])))];
    const ownUsers = new Set(
      userIds.length
        ? (await m.find(UserEntity, { where: { id: In(userIds), agencyId }, select: { id: true } })).map((u) => u.id)
        : [],
    );
    const ownUnits = new Set(
      unitIds.length
        ? (await m.find(UnitEntity, { where: { id: In(unitIds), agencyId }, select: { id: true } })).map((u) => u.id)
        : [],
    );
    const keptGroups = groups.filter((g) => {
      const { unitId } = parseGroup(g);
      return !unitId || ownUnits.has(unitId);
    });
    const keptUsers = users.filter((u) => ownUsers.has(u));
    const keptAssignee = assignee && ownUsers.has(assignee) ? assignee : null;
    const foreign = {
      candidateGroups: groups.filter((g) => !keptGroups.includes(g)),
      candidateUsers: users.filter((u) => !keptUsers.includes(u)),
      assignee: assignee && !keptAssignee ? assignee : null,
    };
    const any = foreign.candidateGroups.length || foreign.candidateUsers.length || foreign.assignee;
    return { groups: keptGroups, users: keptUsers, assignee: keptAssignee, dropped: any ? foreign : null };
  }

  async cancelled(key: string, reason: string, m: EntityManager): Promise<void> {
    const task = await m.findOne(TaskEntity, { where: { engineKey: key } });
    if (!task || task.state !== 'open') return;
    const now = this.clock.now();
    await m.update(TaskEntity, { id: task.id }, { state: 'cancelled', cancelReason: reason, updatedAt: now });
    await this.event(m, task, 'cancelled', null, { reason });
  }

  /** A non-interrupting timer on the task (reminder): remind the person holding it, once per timer firing. */
  async timerFired(key: string, timerElementId: string, m: EntityManager): Promise<void> {
    const task = await m.findOne(TaskEntity, { where: { engineKey: key } });
    if (!task || task.state !== 'open') return;
    const kind = task.dueAt && task.dueAt.getTime() < this.clock.now().getTime() ? 'overdue' : 'deadline-approaching';
    await this.notifier.send(kind, task, this.notifier.recipients(task), m, `:${timerElementId}:${this.ids.next()}`);
  }

  async event(
    m: EntityManager,
    task: TaskEntity,
    type: TaskEventType,
    actorId: string | null,
    data: Record<string, unknown> | null = null,
  ): Promise<void> {
    // events are never removed: the next number is one past the highest (read through the (task, seq) index)
    const [{ last }] = await m.query('SELECT MAX(seq) AS last FROM task_event WHERE task_id = ?', [task.id]);
    await fastInsert(m, TaskEventEntity, [
      { id: this.ids.next(), taskId: task.id, seq: Number(last ?? 0) + 1, type, actorId, at: this.clock.now(), data },
    ]);
    await this.audit.record({
      actorId,
      agencyId: task.agencyId,
      action: `task.${type}`,
      entityType: 'task',
      entityId: task.id,
      data: { processInstanceId: task.processInstanceId, elementId: task.elementId, ...(data ?? {}) },
    });
  }
}
