import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '../../../../common/clock.js';
import { conflict, DomainError, notFound, unprocessable } from '../../../../common/domain-error.js';
import { registerMessages } from '../../../../common/messages.js';
import { TransactionService } from '../../../../database/transaction.service.js';
import { AuditService } from '../../../audit/index.js';
import { WorkflowInstanceEntity } from '../../workflow-instance.entity.js';
import {
  WorkflowIncidentEntity,
  WorkflowSubscriptionEntity,
  WorkflowUserTaskEntity,
} from '../../workflow-wait.entity.js';
import {
  WorkflowEngine,
  type DeployResult,
  type JobHandler,
  type StartOptions,
  type UserTaskListener,
  type ValidationProblem,
} from '../workflow-engine.port.js';
import { DefinitionStore } from './definition-store.js';
import { InstanceRun } from './instance-run.js';
import { JobRunner } from './job-runner.js';
import type { CompiledDefinition } from './model.js';
import { RunPersister } from './run-persister.js';

registerMessages({
  WORKFLOW_INSTANCE_ENDED: { vi: 'Quy trình {id} đã kết thúc.', en: 'Process instance {id} has ended.' },
  WORKFLOW_TASK_NOT_WAITING: {
    vi: 'Công việc {key} không còn chờ xử lý.',
    en: 'User task {key} is no longer waiting.',
  },
  WORKFLOW_RUN_FAILED: {
    vi: 'Quy trình gặp lỗi tại bước {elementId}: {message}',
    en: 'The process failed at {elementId}: {message}',
  },
});

type Op = (run: InstanceRun) => void | Promise<void>;

const isRunFailure = (e: unknown) =>
  e instanceof DomainError && (e.code === 'WORKFLOW_RUN_FAILED' || e.code === 'EXTRACT_VALUE_ERROR');

/**
 * The embedded adapter: bpmn-engine runs each instance; its state is saved in our database at every wait
 * state, in the same transaction as the workers' effects and the user-task callbacks. An instance is advanced
 * under a row lock (FOR UPDATE on MySQL; on SQLite the process-wide transaction queue + BEGIN IMMEDIATE).
 */
@Injectable()
export class EmbeddedWorkflowEngine extends WorkflowEngine {
  readonly kind = 'embedded' as const;
  private readonly logger = new Logger('WorkflowEngine');
  readonly workers = new Map<string, JobHandler>();
  readonly listeners: UserTaskListener[] = [];
  /** Live engines whose state equals the saved revision (reused instead of recover()). */
  private readonly live = new Map<string, { run: InstanceRun; revision: number }>();
  /** Runs being advanced, per transaction (nested advances in one transaction share them). */
  private readonly active = new WeakMap<EntityManager, Map<string, InstanceRun>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private busy = 0;
  private savepoints = 0;
  private idleWaiters: (() => void)[] = [];
  /** Set by the scheduler so engine operations can wake it. */
  kick: () => void = () => undefined;

  constructor(
    readonly tx: TransactionService,
    private readonly audit: AuditService,
    readonly clock: Clock,
    readonly ids: IdGenerator,
    readonly definitions: DefinitionStore,
    private readonly jobs: JobRunner,
    private readonly persister: RunPersister,
  ) {
    super();
    persister.attach(this);
    jobs.workers = this.workers;
  }

  registerWorker(taskType: string, handler: JobHandler): void {
    this.workers.set(taskType, handler);
  }

  onUserTask(listener: UserTaskListener): void {
    this.listeners.push(listener);
  }

  validate(xml: string): Promise<ValidationProblem[]> {
    return this.definitions.validate(xml, (t) => this.workers.has(t));
  }

  deploy(xml: string, opts: { deployedBy?: string | null; source?: 'startup' | 'api' } = {}): Promise<DeployResult> {
    return this.definitions.deploy(xml, (t) => this.workers.has(t), opts);
  }

  start(options: StartOptions & { agencyId?: string | null }): Promise<{ id: string }> {
    return this.track(() =>
      this.tx.run(async (m) => {
        const row = await this.definitions.resolve(m, options.processId, options.version);
        const def = await this.definitions.get(m, row.id);
        // Zeebe creates the instance even when its first steps fail: the failure becomes an incident.
        const sp = `hoso_start_${++this.savepoints}`;
        await m.query(`SAVEPOINT ${sp}`);
        try {
          const id = await this.startIn(m, def, options);
          await m.query(`RELEASE SAVEPOINT ${sp}`);
          return { id };
        } catch (e) {
          if (!isRunFailure(e)) throw e;
          await m.query(`ROLLBACK TO SAVEPOINT ${sp}`);
          await m.query(`RELEASE SAVEPOINT ${sp}`);
          this.live.clear();
          return { id: await this.persister.startWithIncident(m, def, options, e as DomainError) };
        }
      }),
    );
  }

  /** Runs the start of a new instance: execute, then the timer/message start event has already happened. */
  private startOp(def: CompiledDefinition): Op {
    return async (r) => {
      await r.engine.execute();
      await InstanceRun.flush();
      for (const t of [...r.timers.values()])
        if (def.elements.get(t.elementId)?.type === 'bpmn:StartEvent') t.callback(...t.args);
      for (const w of r.waits.splice(0))
        if (def.elements.get(w.elementId)?.type === 'bpmn:StartEvent') r.findApi(w.executionId)?.signal({});
        else r.waits.push(w);
    };
  }

  /** Creates and runs an instance until it waits, inside the caller's transaction. */
  async startIn(
    m: EntityManager,
    def: CompiledDefinition,
    options: StartOptions & {
      agencyId?: string | null;
      parent?: { instanceId: string; executionId: string };
      message?: { elementId: string };
    },
  ): Promise<string> {
    const variables = { ...(options.variables ?? {}) };
    const agencyId =
      typeof variables.agencyId === 'string' ? (variables.agencyId as string) : (options.agencyId ?? null);
    const row = m.create(WorkflowInstanceEntity, {
      id: this.ids.next(),
      definitionId: def.id,
      processId: def.processId,
      version: def.version,
      businessKey: options.businessKey ?? null,
      agencyId,
      state: 'active',
      revision: 0,
      engineState: null,
      runtime: { vars: variables, locals: {} },
      startedAt: this.clock.now(),
      endedAt: null,
      startedBy: options.startedBy ?? null,
      parentInstanceId: options.parent?.instanceId ?? null,
      parentExecutionId: options.parent?.executionId ?? null,
    });
    const run = new InstanceRun(row.id, def, row.runtime);
    await this.drive(m, row, run, this.startOp(def), { isNew: true });
    if (!options.parent)
      await this.audit.record({
        actorId: options.startedBy ?? null,
        agencyId,
        action: 'workflow.instance.start',
        entityType: 'workflow-instance',
        entityId: row.id,
        data: { processId: def.processId, version: def.version, businessKey: row.businessKey },
      });
    return row.id;
  }

  /** Locks the instance row, rebuilds (or reuses) its engine, applies `op`, runs until it waits, saves. */
  async advance(m: EntityManager, instanceId: string, op: Op, by?: string | null): Promise<void> {
    const running = this.active.get(m)?.get(instanceId);
    if (running) {
      // The instance is being advanced higher up in this transaction: queue the op on that run.
      running.deferred.push(op);
      return;
    }
    await this.withLock(instanceId, async () => {
      const qb = m
        .getRepository(WorkflowInstanceEntity)
        .createQueryBuilder('i')
        .where('i.id = :id', { id: instanceId });
      if (!this.tx.isSqlite) qb.setLock('pessimistic_write');
      const row = await qb.getOne();
      if (!row) throw notFound('process instance', instanceId);
      if (row.state !== 'active' && row.state !== 'incident')
        throw conflict('WORKFLOW_INSTANCE_ENDED', { id: instanceId });
      const cached = this.live.get(instanceId);
      let run: InstanceRun;
      if (!row.engineState) {
        // Its start failed (incident): run the start again, then the op.
        const def = await this.definitions.get(m, row.definitionId);
        run = new InstanceRun(row.id, def, { ...row.runtime, locals: {} });
        const first = this.startOp(def);
        const then = op;
        op = async (r) => {
          await first(r);
          await then(r);
        };
      } else if (cached && cached.revision === row.revision) {
        run = cached.run;
        run.runtime = row.runtime;
      } else {
        const def = await this.definitions.get(m, row.definitionId);
        run = new InstanceRun(row.id, def, row.runtime);
        run.engine.recover(JSON.parse(row.engineState ?? '{}'));
        await run.engine.resume();
        await InstanceRun.flush();
      }
      this.live.delete(instanceId);
      await this.drive(m, row, run, op, { by });
    });
  }

  private async drive(
    m: EntityManager,
    row: WorkflowInstanceEntity,
    run: InstanceRun,
    op: Op,
    opts: { isNew?: boolean; by?: string | null },
  ): Promise<void> {
    let runs = this.active.get(m);
    if (!runs) this.active.set(m, (runs = new Map()));
    runs.set(row.id, run);
    run.reset(opts.by ?? null);
    try {
      try {
        await op(run);
        await this.settle(m, row, run);
      } catch (e) {
        // bpmn-elements may throw synchronously from a signal or a job callback (e.g. a FEEL failure)
        if (e instanceof DomainError || (e as { driverError?: unknown }).driverError) throw e;
        run.error = e as Error;
        throw this.runError(run);
      }
      await this.persister.persist(m, row, run, !!opts.isNew);
    } catch (e) {
      this.live.delete(row.id);
      throw e;
    } finally {
      runs.delete(row.id);
    }
    if (row.state === 'active' || row.state === 'incident')
      this.tx.afterCommit(() => {
        this.live.set(row.id, { run, revision: row.revision });
        if (this.live.size > 2000) this.live.delete(this.live.keys().next().value as string);
      });
  }

  /** Runs jobs, call activities and deferred ops until the instance only waits (user task, timer, message…). */
  private async settle(m: EntityManager, row: WorkflowInstanceEntity, run: InstanceRun): Promise<void> {
    for (let guard = 0; guard < 100_000; guard++) {
      await InstanceRun.flush();
      if (run.error) throw this.runError(run);
      const deferred = run.deferred.shift();
      if (deferred) {
        await deferred(run);
        continue;
      }
      const call = run.calls.shift();
      if (call) {
        await this.persister.startChild(m, row, run, call);
        continue;
      }
      const job = [...run.jobs.values()].find((j) => !run.blocked.has(j.jobKey));
      if (!job) return;
      await this.jobs.run(m, row, run, job);
    }
  }

  private runError(run: InstanceRun): Error {
    const e = run.error as Error & { source?: { content?: { id?: string } } };
    const elementId = e.source?.content?.id ?? '';
    return unprocessable('WORKFLOW_RUN_FAILED', {
      elementId,
      message: (e as { description?: string }).description ?? e.message,
    });
  }

  async publishMessage(name: string, correlationKey: string, variables: Record<string, unknown> = {}): Promise<void> {
    await this.track(() =>
      this.tx.run(async (m) => {
        const subs = await m.find(WorkflowSubscriptionEntity, {
          where: { messageName: name, correlationKey: String(correlationKey) },
          order: { createdAt: 'ASC' },
        });
        const seen = new Set<string>();
        for (const s of subs) {
          if (seen.has(s.instanceId)) continue; // one correlation per instance (Zeebe)
          seen.add(s.instanceId);
          await this.advance(m, s.instanceId, (run) => {
            const api = run.findApi(s.executionId);
            if (!api) return;
            for (const [k, v] of Object.entries(variables)) run.setVar(k, v);
            api.signal({ ...variables });
          });
        }
        for (const { def } of await this.definitions.messageStarts(m, name))
          await this.startIn(m, def, { processId: def.processId, variables });
      }),
    );
  }

  async completeUserTask(
    key: string,
    variables: Record<string, unknown>,
    opts: { by?: string | null } = {},
  ): Promise<void> {
    await this.track(() =>
      this.tx.run(async (m) => {
        const task = await m.findOneBy(WorkflowUserTaskEntity, { id: key });
        if (!task) throw notFound('user task', key);
        await this.advance(
          m,
          task.instanceId,
          (run) => {
            const api = run.findApi(task.executionId);
            if (!api) throw conflict('WORKFLOW_TASK_NOT_WAITING', { key });
            run.completedTasks.add(task.executionId);
            const info = run.def.elements.get(task.elementId)!;
            run.collectIteration(info, { content: api.content, environment: api.owner?.environment }, variables);
            run.mergeOutput(info, variables);
            api.signal({ ...variables });
          },
          opts.by ?? null,
        );
      }),
    );
  }

  /** Fires a due timer of an instance (called by the scheduler). */
  fireTimer(m: EntityManager, instanceId: string, executionId: string): Promise<void> {
    return this.advance(m, instanceId, (run) => {
      const t = run.timers.get(executionId);
      if (!t) return;
      if (t.owner && run.def.elements.get(t.elementId)?.cancelActivity === false) run.nonInterrupting.push(t.elementId);
      t.callback(...t.args);
    });
  }

  async cancel(instanceId: string, by: string | null = null): Promise<void> {
    await this.track(() => this.tx.run((m) => this.persister.cancel(m, instanceId, by)));
  }

  async retryIncident(m: EntityManager, incident: WorkflowIncidentEntity): Promise<void> {
    await this.jobs.resolveIncident(m, incident);
    await this.advance(m, incident.instanceId, () => undefined);
  }

  idle(timeoutMs = 30_000): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('workflow engine not idle')), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async track<T>(fn: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await fn();
    } finally {
      if (--this.busy === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  forget(instanceId: string): void {
    this.live.delete(instanceId);
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  logError(message: string): void {
    this.logger.error(message);
  }
}
