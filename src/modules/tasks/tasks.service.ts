import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { fastFindById, fastSelect, fastUpdate } from '../../database/fast-sql.js';
import { Clock } from '../../common/clock.js';
import { ConcurrencyLimit } from '../../common/concurrency-limit.js';
import { conflict, DomainError, forbidden } from '../../common/domain-error.js';
import type { Lang } from '../../common/messages.js';
import { TransactionService } from '../../database/transaction.service.js';
import type { AuthUser } from '../auth/index.js';
import { UserEntity } from '../organizations/index.js';
import { EngineRef } from '../workflow/index.js';
import { TaskAccess } from './task-access.js';
import { TaskCompletionHooks } from './task-completion-hooks.js';
import { TaskFieldChecks } from './task-field-checks.js';
import { FormRegistry, localizeForm } from './task-form.js';
import { pinKeys, validateSubmission } from './task-form-validation.js';
import { TaskListenerService } from './task-listener.service.js';
import { redacted, TASK_VIEW_COLUMNS, toTaskView, type TaskView } from './task.mapper.js';
import { TaskEntity } from './task.entity.js';
import { TaskEventEntity } from './task-records.entity.js';
import './tasks.messages.js';

export type TaskScope = 'mine' | 'group' | 'all';

/**
 * Completions of this process past their engine rebuild at once. A completion rebuilds its instance's engine
 * (~0.5 MB, a few ms of CPU) before its transaction, and the transactions queue (SQLite: one writer). Without a
 * bound, under a burst every request rebuilt its engine and then waited: hundreds of engines held in memory, and
 * those pushed out of the engine cache (100) before their turn were rebuilt a second time inside the write lock
 * (measured at 500 connections: 13.6 ms of CPU per completion against 10.9 at 32). Requests beyond the bound
 * wait before the rebuild instead, holding nothing.
 */
const COMPLETIONS_AT_ONCE = 16;

/** Inbox queries and the claim / complete use cases. */
@Injectable()
export class TasksService {
  private readonly completing = new ConcurrencyLimit(COMPLETIONS_AT_ONCE);
  constructor(
    private readonly tx: TransactionService,
    private readonly access: TaskAccess,
    private readonly forms: FormRegistry,
    private readonly hooks: TaskCompletionHooks,
    private readonly fieldChecks: TaskFieldChecks,
    private readonly engine: EngineRef,
    private readonly listener: TaskListenerService,
    private readonly clock: Clock,
  ) {}

  /** Sorted by urgency (flash > top-urgent > urgent > normal), then due date (none last), then age. */
  async list(user: AuthUser, scope: TaskScope, state: 'open' | 'done', limit = 500): Promise<TaskView[]> {
    const qb = this.tx.manager.getRepository(TaskEntity).createQueryBuilder('t');
    if (state === 'open') qb.where('t.state = :state', { state: 'open' });
    else qb.where('t.state IN (:...states)', { states: ['done', 'cancelled'] });
    if (scope === 'mine') {
      if (state === 'open') qb.andWhere('t.assigneeId = :me', { me: user.id });
      else qb.andWhere('(t.completedBy = :me OR t.assigneeId = :me)', { me: user.id });
    } else if (scope === 'group') {
      if (state === 'open') qb.andWhere('t.assigneeId IS NULL');
      this.access.whereCandidate(qb, user);
    } else if (!this.access.whereLeadership(qb, user)) throw forbidden('TASK_SCOPE_FORBIDDEN');
    if (state === 'open')
      qb.orderBy('t.urgencyRank', 'DESC').addOrderBy('t.dueAt IS NULL', 'ASC').addOrderBy('t.dueAt', 'ASC');
    else qb.orderBy('t.completedAt', 'DESC');
    qb.addOrderBy('t.createdAt', 'ASC').limit(Math.min(Math.max(limit, 1), 1000));
    const now = this.clock.now();
    const rows = await fastSelect(this.tx.manager, TaskEntity, qb, TASK_VIEW_COLUMNS);
    const secret = await this.access.secretTo(user, rows);
    return rows.map((t) => (secret.has(t.id) ? redacted(toTaskView(t, now)) : toTaskView(t, now)));
  }

  async counts(user: AuthUser): Promise<{ mine: number; group: number; overdue: number }> {
    const repo = this.tx.manager.getRepository(TaskEntity);
    const now = this.clock.now();
    // Mine and overdue in one pass over the user's own open tasks. (Counted apart, SQLite answered "overdue" from
    // the (state, due_at) index — every overdue task of the province, ~190 ms at 100,000 open tasks — and the web
    // app asks for these counts every minute in every open tab.)
    const own = await repo
      .createQueryBuilder('t')
      .select('COUNT(*)', 'mine')
      .addSelect('SUM(CASE WHEN t.dueAt < :now THEN 1 ELSE 0 END)', 'overdue')
      .where("t.state = 'open' AND t.assigneeId = :me", { me: user.id, now })
      .getRawOne<{ mine: number | string; overdue: number | string | null }>();
    const group = await this.access
      .whereCandidate(repo.createQueryBuilder('t').where("t.state = 'open' AND t.assigneeId IS NULL"), user)
      .getCount();
    return { mine: Number(own?.mine ?? 0), group, overdue: Number(own?.overdue ?? 0) };
  }

  async get(user: AuthUser, id: string, lang: Lang) {
    const m = this.tx.manager;
    const t = await this.access.load(m, user, id);
    const names = await this.userNames([t.assigneeId, t.completedBy, t.ownerId]);
    return {
      ...toTaskView(t, this.clock.now()),
      assigneeName: t.assigneeId ? (names.get(t.assigneeId) ?? null) : null,
      completedByName: t.completedBy ? (names.get(t.completedBy) ?? null) : null,
      formId: t.formId,
      form: localizeForm(this.forms.get(t.formId), lang),
      canComplete: t.state === 'open' && (await this.mayWork(user, t)),
    };
  }

  async claim(user: AuthUser, id: string): Promise<TaskView> {
    return this.tx.run(async (m) => {
      const t = await this.access.load(m, user, id, true);
      this.assertOpen(t);
      if (t.assigneeId === user.id) return toTaskView(t, this.clock.now());
      if (t.assigneeId) throw await this.heldByOther(t.assigneeId);
      if (!(await this.access.isCandidate(m, user, t.id)) && !this.access.isLeaderOver(user, t)) throw forbidden();
      const now = this.clock.now();
      Object.assign(t, { assigneeId: user.id, claimedBy: user.id, claimedAt: now, updatedAt: now });
      if (!t.unitId) t.unitId = user.unitId;
      await fastUpdate(m, TaskEntity, t.id, {
        assigneeId: user.id,
        claimedBy: user.id,
        claimedAt: now,
        updatedAt: now,
        unitId: t.unitId,
      });
      await this.listener.event(m, t, 'claimed', user.id);
      return toTaskView(t, now);
    });
  }

  async unclaim(user: AuthUser, id: string): Promise<TaskView> {
    return this.tx.run(async (m) => {
      const t = await this.access.load(m, user, id, true);
      this.assertOpen(t);
      if (t.assigneeId !== user.id && !this.access.isLeaderOver(user, t)) throw forbidden('TASK_NOT_ASSIGNEE');
      const now = this.clock.now();
      const previous = t.assigneeId;
      Object.assign(t, { assigneeId: null, claimedBy: null, claimedAt: null, updatedAt: now });
      await m.update(TaskEntity, { id: t.id }, { assigneeId: null, claimedBy: null, claimedAt: null, updatedAt: now });
      await this.listener.event(m, t, 'unclaimed', user.id, { previousAssigneeId: previous });
      return toTaskView(t, now);
    });
  }

  /**
   * Validates against the form, runs the form's completion hook, then signals the engine — all in one
   * transaction: a refused hook or engine error leaves the task open and nothing written. `pin` fields are
   * dropped from everything stored and from what reaches the engine.
   */
  async complete(user: AuthUser, id: string, input: Record<string, unknown>): Promise<TaskView> {
    // inside a caller's transaction it joins that one: waiting for a turn there could wait on that transaction
    if (this.tx.inTransaction) return this.completeNow(user, id, input);
    return this.completing.run(() => this.completeNow(user, id, input));
  }

  private async completeNow(user: AuthUser, id: string, input: Record<string, unknown>): Promise<TaskView> {
    const row = await fastFindById(this.tx.manager, TaskEntity, id, {
      columns: ['engineKey', 'formId', 'state', 'agencyId'],
    });
    // the engine's rebuild ahead of the transaction, for an open task of the user's own agency only (the access
    // check itself is in the transaction): no one makes a process rebuild engines for tasks they cannot reach
    if (row?.engineKey && row.state === 'open' && (!row.agencyId || row.agencyId === user.agencyId))
      await this.engine
        .get()
        .prepareUserTask(row.engineKey)
        .catch(() => undefined);
    const prepared =
      row && !this.tx.inTransaction && this.hooks.prepares(row.formId)
        ? await this.prepareHooks(user, id, input)
        : undefined;
    return this.tx.run(async (m) => {
      const t = await this.access.load(m, user, id, true);
      const { form, variables } = await this.completable(m, user, t, input);
      const pins = pinKeys(form);
      const passed = await this.hooks.run(t.formId, this.hookContext(m, user, t, variables), prepared);
      const toEngine = strip(passed, pins);
      const stored = strip(variables, pins);
      const now = this.clock.now();
      const outcome = typeof stored.decision === 'string' ? stored.decision.slice(0, 100) : null;
      Object.assign(t, { state: 'done', outcome, completedBy: user.id, completedAt: now, updatedAt: now });
      if (!t.assigneeId) Object.assign(t, { assigneeId: user.id, claimedBy: user.id, claimedAt: now });
      await fastUpdate(m, TaskEntity, t.id, {
        state: 'done',
        outcome,
        completedBy: user.id,
        completedAt: now,
        updatedAt: now,
        assigneeId: t.assigneeId,
        claimedBy: t.claimedBy,
        claimedAt: t.claimedAt,
      });
      await this.listener.event(m, t, 'completed', user.id, { outcome, variables: stored });
      await this.engine.get().completeUserTask(t.engineKey, toEngine, { by: user.id });
      return toTaskView(t, now);
    });
  }

  /** The checks of a completion (open, not held by another, the user may work it) and the validated submission. */
  private async completable(m: EntityManager, user: AuthUser, t: TaskEntity, input: Record<string, unknown>) {
    this.assertOpen(t);
    if (t.assigneeId && t.assigneeId !== user.id) throw await this.heldByOther(t.assigneeId);
    if (!(await this.mayWork(user, t))) throw forbidden();
    const form = this.forms.get(t.formId);
    const variables = await validateSubmission(form, input ?? {}, {
      agencyId: t.agencyId,
      taskId: t.id,
      businessKey: t.businessKey,
      user,
      manager: m,
      checks: this.fieldChecks,
    });
    return { form, variables };
  }

  /**
   * The form's hook preparations (e.g. a signature), before the completion transaction and with the same checks:
   * what they return reaches the hooks, which check it still applies.
   */
  private async prepareHooks(user: AuthUser, id: string, input: Record<string, unknown>): Promise<unknown[]> {
    const m = this.tx.manager;
    const t = await this.access.load(m, user, id);
    const { variables } = await this.completable(m, user, t, input);
    return this.hooks.prepare(t.formId, this.hookContext(m, user, t, variables));
  }

  private hookContext(m: EntityManager, user: AuthUser, t: TaskEntity, variables: Record<string, unknown>) {
    const view = toTaskView(t, this.clock.now());
    return {
      task: { ...view, agencyId: t.agencyId, formId: t.formId, engineKey: t.engineKey },
      variables,
      user,
      manager: m,
    };
  }

  /** For other modules (no access check: the caller has already decided): the tasks of a document/dossier. */
  async forBusinessKey(businessKey: string, state?: 'open' | 'done' | 'cancelled'): Promise<TaskView[]> {
    const rows = await this.tx.manager.find(TaskEntity, {
      where: { businessKey, ...(state ? { state } : {}) },
      order: { createdAt: 'ASC' },
    });
    const now = this.clock.now();
    return rows.map((t) => toTaskView(t, now));
  }

  async history(user: AuthUser, id: string) {
    const m = this.tx.manager;
    const t = await this.access.load(m, user, id);
    const events = await m.find(TaskEventEntity, { where: { taskId: t.id }, order: { seq: 'ASC' } });
    const names = await this.userNames(events.map((e) => e.actorId));
    return events.map((e) => ({
      id: e.id,
      type: e.type,
      at: e.at.toISOString(),
      actorId: e.actorId,
      actorName: e.actorId ? (names.get(e.actorId) ?? null) : null,
      data: e.data ?? {},
    }));
  }

  /** The assignee, an unclaimed task's candidate, or a leader over the task's unit may complete it. */
  private async mayWork(user: AuthUser, t: TaskEntity): Promise<boolean> {
    if (t.assigneeId) return t.assigneeId === user.id;
    return (await this.access.isCandidate(this.tx.manager, user, t.id)) || this.access.isLeaderOver(user, t);
  }

  private assertOpen(t: TaskEntity): void {
    if (t.state !== 'open') throw conflict('TASK_NOT_OPEN');
  }

  private async heldByOther(assigneeId: string): Promise<DomainError> {
    const names = await this.userNames([assigneeId]);
    return conflict('TASK_CLAIMED_BY_OTHER', { assignee: names.get(assigneeId) ?? assigneeId }, { assigneeId });
  }

  async userNames(ids: (string | null)[]): Promise<Map<string, string>> {
    const list = [...new Set(ids.filter((x): x is string => !!x))];
    if (!list.length) return new Map();
    const users = await this.tx.manager.find(UserEntity, {
      where: { id: In(list) },
      select: { id: true, fullName: true },
    });
    return new Map(users.map((u) => [u.id, u.fullName]));
  }
}

function strip(vars: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out = { ...vars };
  for (const k of keys) delete out[k];
  return out;
}
