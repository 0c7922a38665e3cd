import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { fastInsert, fastUpdate } from '../../../../database/fast-sql.js';
import { Clock, IdGenerator } from '../../../../common/clock.js';
import { conflict, DomainError, notFound, unprocessable } from '../../../../common/domain-error.js';
import { registerMessages } from '../../../../common/messages.js';
import { AuditService } from '../../../audit/index.js';
import { WorkflowActivityEntity, WorkflowInstanceEntity } from '../../workflow-instance.entity.js';
import {
  WorkflowIncidentEntity,
  WorkflowJobEntity,
  WorkflowSubscriptionEntity,
  WorkflowTimerEntity,
  WorkflowUserTaskEntity,
} from '../../workflow-wait.entity.js';
import type { StartOptions, UserTaskInfo, UserTaskListener } from '../workflow-engine.port.js';
import { boundStart } from './bound-start.js';
import type { DefinitionStore } from './definition-store.js';
import { evalFeel, timerDue, toStringList } from './feel.js';
import type { InstanceRun } from './instance-run.js';
import type { CompiledDefinition, ElementInfo } from './model.js';

registerMessages({
  EXTRACT_VALUE_ERROR: {
    vi: 'Không tính được giá trị "{expression}" tại bước {elementId}.',
    en: 'Could not evaluate "{expression}" at {elementId}.',
  },
});

const asDate = (v: unknown): Date | null => {
  if (v === null || v === undefined || v === '') return null;
  const d = new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
};

/** How an instance is started inside a transaction: as a call activity's child, or by a message. */
export type InstanceStart = StartOptions & {
  agencyId?: string | null;
  parent?: { instanceId: string; executionId: string };
  message?: { elementId: string };
};

/** What the persister calls back on the engine it writes for (the embedded engine attaches itself). */
export interface PersisterHost {
  readonly listeners: readonly UserTaskListener[];
  readonly definitions: Pick<DefinitionStore, 'resolve' | 'get'>;
  advance(m: EntityManager, instanceId: string, op: (run: InstanceRun) => void | Promise<void>): Promise<void>;
  startIn(m: EntityManager, def: CompiledDefinition, options: InstanceStart): Promise<string>;
  forget(instanceId: string): void;
}

/** Writes what an advance changed: history, waits (user tasks, subscriptions, timers), the engine snapshot. */
@Injectable()
export class RunPersister {
  private engine!: PersisterHost;

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
  ) {}

  attach(engine: PersisterHost): void {
    this.engine = engine;
  }

  async persist(m: EntityManager, row: WorkflowInstanceEntity, run: InstanceRun, isNew: boolean): Promise<void> {
    const now = this.clock.now();
    const rt = run.runtime;
    rt.userTasks ??= {};
    rt.subscriptions ??= {};
    rt.timers ??= {};
    rt.history ??= {};
    delete rt.pendingOutput;
    let seq = rt.seq ?? 0;
    const inserts = new Map<string, WorkflowActivityEntity>();
    const endedIds = new Set<string>();
    for (const h of run.history) {
      if (h.kind === 'start') {
        if (rt.history[h.executionId] || inserts.has(h.executionId)) continue;
        inserts.set(h.executionId, {
          id: this.ids.next(),
          instanceId: row.id,
          elementId: h.elementId,
          elementType: h.type.replace(/^bpmn:/, ''),
          name: h.name.slice(0, 200),
          executionId: h.executionId,
          state: 'active',
          startedAt: now,
          endedAt: null,
          by: null,
          seq: ++seq,
        });
        continue;
      }
      endedIds.add(h.executionId);
      const state = h.kind === 'end' ? 'completed' : 'terminated';
      const by = run.completedTasks.has(h.executionId) ? run.by : null;
      const fresh = inserts.get(h.executionId);
      if (fresh) {
        if (fresh.state === 'active') Object.assign(fresh, { state, endedAt: now, by });
      } else if (rt.history[h.executionId]) {
        await fastUpdate(m, WorkflowActivityEntity, rt.history[h.executionId], { state, endedAt: now, by });
        delete rt.history[h.executionId];
      }
      await this.endWaits(m, run, h.executionId);
    }
    // A completed multi-instance iteration emits no end of its own: its wait goes now (not reported cancelled
    // later, when the activity ends or is interrupted, and not completable twice).
    for (const execId of run.completedTasks) {
      const key = rt.userTasks[execId];
      if (!key) continue;
      await m.delete(WorkflowUserTaskEntity, { id: key });
      delete rt.userTasks[execId];
      delete rt.locals[execId];
    }
    for (const a of inserts.values()) if (a.state === 'active') rt.history[a.executionId] = a.id;
    if (inserts.size) await fastInsert(m, WorkflowActivityEntity, [...inserts.values()]);
    rt.seq = seq;

    for (const w of run.waits) {
      if (endedIds.has(w.executionId)) continue;
      const info = run.def.elements.get(w.elementId)!;
      if (info.isUserTask && !rt.userTasks[w.executionId]) await this.createUserTask(m, row, run, info, w);
      else if (info.message && info.type !== 'bpmn:StartEvent' && !rt.subscriptions[w.executionId]) {
        const key = evalFeel(
          info.message.correlationKey ?? '',
          run.contextFor(run.withEnvironment(w.executionId, w.message)),
        );
        if (key === null || key === undefined || typeof key === 'object')
          throw unprocessable('EXTRACT_VALUE_ERROR', { expression: info.message.correlationKey, elementId: info.id });
        const id = this.ids.next();
        await m.insert(WorkflowSubscriptionEntity, {
          id,
          instanceId: row.id,
          messageName: info.message.name,
          correlationKey: String(key),
          elementId: info.id,
          executionId: w.executionId,
          createdAt: now,
        });
        rt.subscriptions[w.executionId] = id;
      }
    }
    // A non-interrupting timer on a user task (reminder, overdue) is reported to the tasks module.
    for (const elementId of run.nonInterrupting) {
      const attachedTo = run.def.elements.get(elementId)?.attachedTo;
      const keys = Object.values(rt.userTasks);
      if (!attachedTo || !keys.length) continue;
      const rows = await m.find(WorkflowUserTaskEntity, { where: { id: In(keys), elementId: attachedTo } });
      for (const r of rows) for (const l of this.engine.listeners) await l.timerFired?.(r.id, elementId, m);
    }
    await this.syncTimers(m, row, run, now);

    if (run.ended) await this.finish(m, row, run, now);
    row.revision += 1;
    row.runtime = rt;
    row.engineState = run.ended ? null : await run.getState();
    if (isNew) await fastInsert(m, WorkflowInstanceEntity, [row]);
    else
      await fastUpdate(m, WorkflowInstanceEntity, row.id, {
        state: row.state,
        revision: row.revision,
        engineState: row.engineState,
        runtime: rt,
        endedAt: row.endedAt,
      } as never);
    if (run.ended && row.parentInstanceId) await this.notifyParent(m, row, run);
  }

  private async endWaits(m: EntityManager, run: InstanceRun, executionId: string): Promise<void> {
    const rt = run.runtime;
    const owns = (id: string) => id === executionId || id.startsWith(`${executionId}_`);
    for (const [execId, key] of Object.entries(rt.userTasks ?? {})) {
      if (!owns(execId)) continue;
      await m.delete(WorkflowUserTaskEntity, { id: key });
      delete rt.userTasks![execId];
      delete rt.locals[execId];
      if (!run.completedTasks.has(execId))
        for (const l of this.engine.listeners) await l.cancelled(key, 'interrupted', m);
    }
    for (const [execId, id] of Object.entries(rt.subscriptions ?? {})) {
      if (!owns(execId)) continue;
      await m.delete(WorkflowSubscriptionEntity, { id });
      delete rt.subscriptions![execId];
    }
  }

  private async syncTimers(m: EntityManager, row: WorkflowInstanceEntity, run: InstanceRun, now: Date): Promise<void> {
    const rt = run.runtime;
    for (const [execId, t] of run.timers) {
      if (rt.timers![execId]) continue;
      const real = run.timerValues.get(execId);
      const kind = real?.kind ?? (t.owner.timerType as 'timeDuration' | 'timeDate' | 'timeCycle');
      const spec = timerDue(kind, real?.value ?? String(t.owner[kind]), now);
      const id = this.ids.next();
      await m.insert(WorkflowTimerEntity, {
        id,
        instanceId: row.id,
        definitionId: null,
        elementId: t.elementId,
        executionId: execId,
        dueAt: spec.dueAt,
        repeatLeft: null,
        period: null,
      });
      rt.timers![execId] = id;
    }
    for (const [execId, id] of Object.entries(rt.timers!))
      if (!run.timers.has(execId)) {
        await m.delete(WorkflowTimerEntity, { id });
        delete rt.timers![execId];
      }
  }

  private async createUserTask(
    m: EntityManager,
    row: WorkflowInstanceEntity,
    run: InstanceRun,
    info: ElementInfo,
    w: InstanceRun['waits'][number],
  ): Promise<void> {
    const ctx = run.contextFor(run.withEnvironment(w.executionId, w.message));
    // an iteration's input element is kept so the completion sees it too (outputElement)
    if (info.loop?.inputElement && info.loop.inputElement in ctx)
      run.runtime.locals[w.executionId] = {
        [info.loop.inputElement]: ctx[info.loop.inputElement],
        loopCounter: ctx.loopCounter,
      };
    const ev = (e: string | undefined) => (e === undefined ? undefined : evalFeel(e, ctx));
    const assignee = ev(info.assignee);
    const due = ev(info.dueDate);
    const task: UserTaskInfo = {
      key: this.ids.next(),
      processInstanceId: row.id,
      processId: row.processId,
      processVersion: row.version,
      businessKey: row.businessKey,
      agencyId: row.agencyId,
      elementId: info.id,
      name: info.name || info.id,
      assignee: assignee === null || assignee === undefined || assignee === '' ? null : String(assignee),
      candidateGroups: toStringList(ev(info.candidateGroups)),
      candidateUsers: toStringList(ev(info.candidateUsers)),
      dueAt: asDate(due),
      // the raw value too: the tasks module counts a duration in working days (Decree 30/2020)
      ...(typeof due === 'string' && due.trim() ? { dueDate: due.trim() } : {}),
      followUpAt: asDate(ev(info.followUpDate)),
      formId: info.formId ?? null,
      variables: ctx,
      headers: info.headers,
      createdAt: this.clock.now(),
    };
    await fastInsert(m, WorkflowUserTaskEntity, [
      {
        id: task.key,
        instanceId: row.id,
        elementId: info.id,
        executionId: w.executionId,
        createdAt: task.createdAt,
      },
    ]);
    run.runtime.userTasks![w.executionId] = task.key;
    for (const l of this.engine.listeners) await l.created(task, m);
  }

  private async finish(m: EntityManager, row: WorkflowInstanceEntity, run: InstanceRun, now: Date): Promise<void> {
    row.state = 'completed';
    row.endedAt = now;
    await this.dropWaits(m, row.id, run.runtime, 'instance-ended', now);
    run.runtime.locals = {};
  }

  /** Removes every wait of an ended instance; open user tasks are reported cancelled. */
  private async dropWaits(
    m: EntityManager,
    instanceId: string,
    rt: WorkflowInstanceEntity['runtime'],
    reason: 'instance-ended' | 'instance-cancelled',
    now: Date,
  ): Promise<void> {
    for (const key of Object.values(rt.userTasks ?? {})) {
      await m.delete(WorkflowUserTaskEntity, { id: key });
      for (const l of this.engine.listeners) await l.cancelled(key, reason, m);
    }
    if (Object.keys(rt.subscriptions ?? {}).length) await m.delete(WorkflowSubscriptionEntity, { instanceId });
    if (Object.keys(rt.timers ?? {}).length) await m.delete(WorkflowTimerEntity, { instanceId });
    if (Object.keys(rt.failedJobs ?? {}).length) await m.delete(WorkflowJobEntity, { instanceId });
    if (Object.keys(rt.history ?? {}).length)
      await m.update(
        WorkflowActivityEntity,
        { id: In(Object.values(rt.history!)) },
        { state: 'terminated', endedAt: now },
      );
    rt.userTasks = {};
    rt.subscriptions = {};
    rt.timers = {};
    rt.history = {};
    rt.failedJobs = {};
  }

  private async notifyParent(m: EntityManager, row: WorkflowInstanceEntity, run: InstanceRun): Promise<void> {
    const vars = { ...run.runtime.vars };
    await this.engine.advance(m, row.parentInstanceId!, (parent) => {
      const api = parent.findApi(row.parentExecutionId!);
      if (!api) return;
      const info = parent.def.elements.get(api.id) ?? parent.def.elements.get(api.content?.id);
      const output = info?.calledElement?.propagateAllChildVariables === false ? {} : vars;
      if (info) parent.mergeOutput(info, output);
      api.signal({ ...output });
    });
  }

  async startChild(
    m: EntityManager,
    row: WorkflowInstanceEntity,
    run: InstanceRun,
    call: InstanceRun['calls'][number],
  ): Promise<void> {
    const info = run.def.elements.get(call.elementId)!;
    const ctx = run.contextFor(call.message);
    const processId = String(evalFeel(info.calledElement?.processId ?? '', ctx) ?? '');
    // the called process is the caller's agency's nearest variant, and acts on the caller's bound object
    const defRow = await this.engine.definitions.resolve(m, processId, undefined, row.agencyId);
    const def = await this.engine.definitions.get(m, defRow.id);
    await this.engine.startIn(m, def, {
      processId,
      variables: ctx,
      businessKey: row.businessKey ?? undefined,
      agencyId: row.agencyId,
      object: row.objectType && row.objectId ? { type: row.objectType, id: row.objectId } : null,
      parent: { instanceId: row.id, executionId: call.executionId },
    });
  }

  /** Records an instance whose first steps failed, with its incident (retrying it runs the start again). */
  async startWithIncident(
    m: EntityManager,
    def: { id: string; processId: string; version: number; ownerId?: string | null },
    options: InstanceStart,
    error: DomainError,
  ): Promise<string> {
    const { variables: vars, agencyId, object } = boundStart(options, def.ownerId ?? null);
    const id = this.ids.next();
    const now = this.clock.now();
    await m.insert(WorkflowInstanceEntity, {
      id,
      definitionId: def.id,
      processId: def.processId,
      version: def.version,
      businessKey: options.businessKey ?? null,
      agencyId,
      objectType: object?.type ?? null,
      objectId: object?.id ?? null,
      state: 'incident',
      revision: 0,
      engineState: null,
      runtime: { vars, locals: {} },
      startedAt: now,
      endedAt: null,
      startedBy: options.startedBy ?? null,
      parentInstanceId: null,
      parentExecutionId: null,
    } as never);
    await this.recordIncident(m, id, error);
    return id;
  }

  async recordIncident(m: EntityManager, instanceId: string, error: DomainError): Promise<void> {
    const message = String(error.params.message ?? error.params.expression ?? error.message);
    await m.insert(WorkflowIncidentEntity, {
      id: this.ids.next(),
      instanceId,
      jobKey: null,
      elementId: String(error.params.elementId ?? ''),
      type:
        error.code === 'EXTRACT_VALUE_ERROR'
          ? 'EXTRACT_VALUE_ERROR'
          : /condition/i.test(message)
            ? 'CONDITION_ERROR'
            : 'ENGINE_ERROR',
      message: message.slice(0, 1000),
      state: 'open',
      createdAt: this.clock.now(),
      resolvedAt: null,
    });
  }

  async cancel(m: EntityManager, instanceId: string, by: string | null): Promise<void> {
    const qb = m.getRepository(WorkflowInstanceEntity).createQueryBuilder('i').where('i.id = :id', { id: instanceId });
    if (m.connection.options.type !== 'better-sqlite3') qb.setLock('pessimistic_write');
    const row = await qb.getOne();
    if (!row) throw notFound('process instance', instanceId);
    if (row.state !== 'active' && row.state !== 'incident')
      throw conflict('WORKFLOW_INSTANCE_ENDED', { id: instanceId });
    const now = this.clock.now();
    await this.dropWaits(m, row.id, row.runtime, 'instance-cancelled', now);
    await m.update(
      WorkflowIncidentEntity,
      { instanceId: row.id, state: 'open' },
      { state: 'resolved', resolvedAt: now },
    );
    await m.update(WorkflowInstanceEntity, { id: row.id }, {
      state: 'cancelled',
      endedAt: now,
      runtime: row.runtime,
      revision: row.revision + 1,
    } as never);
    this.engine.forget(row.id);
    const children = await m.find(WorkflowInstanceEntity, {
      where: { parentInstanceId: row.id, state: In(['active', 'incident']) },
      select: { id: true },
    });
    for (const c of children) await this.cancel(m, c.id, by);
    if (!row.parentInstanceId)
      await this.audit.record({
        actorId: by,
        agencyId: row.agencyId,
        action: 'workflow.instance.cancel',
        entityType: 'workflow-instance',
        entityId: row.id,
      });
  }
}
