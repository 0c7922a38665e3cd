import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '../../../../common/clock.js';
import { conflict, DomainError, notFound, unprocessable } from '../../../../common/domain-error.js';
import { registerMessages } from '../../../../common/messages.js';
import { fastFindById, fastInsert } from '../../../../database/fast-sql.js';
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
  type WorkerOptions,
} from '../workflow-engine.port.js';
import { boundStart, startAgency } from './bound-start.js';
import { DefinitionStore } from './definition-store.js';
import { InstanceRun, type PendingJob } from './instance-run.js';
import { JobRunner, type JobOutcome } from './job-runner.js';
import type { CompiledDefinition } from './model.js';
import { RunPersister, type InstanceStart, type PersisterHost } from './run-persister.js';

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

interface LiveEntry {
  run: InstanceRun;
  revision: number;
  savedState?: string | null;
  /** Set while the entry is held for the completion that prepared it (prepareUserTask): not evicted as idle. */
  preparedAt?: number;
}

/**
 * Live engines kept per app process, two kinds:
 *  - prepared: rebuilt by prepareUserTask for a completion about to run (before its transaction, so the ~3 ms
 *    rebuild does not hold the write lock); held until that completion takes it, never evicted as idle. Their
 *    number is bounded by the completions in progress (TasksService: 16 per process); one whose completion never
 *    came (refused, failed) is let go after PREPARED_HOLD_MS, and beyond PREPARED_MAX the oldest go first (a
 *    completion takes its engine within milliseconds, so those are the abandoned ones: repeated refused
 *    completions cannot pile engines up).
 *  - idle: the most recently advanced, kept for a next step that comes soon (a user completing two steps in a
 *    row, a flow's next actor on the same page). Between people a step usually comes minutes to days later, from
 *    any process, so only a few are kept.
 * A waiting instance's bpmn-engine is large: ~3 MB of heap for the outgoing-document process at its first wait
 * (60 brokers and their queues; heap snapshots of a worker during the outgoing-document flows: 18 live engines,
 * 16 of them the idle cache when it held 16 of any kind), and a worker's heap grows to about twice what is live
 * before it collects.
 */
const IDLE_CACHE_MAX = 4;
const PREPARED_HOLD_MS = 60_000;
const PREPARED_MAX = 32;

const isRunFailure = (e: unknown) =>
  e instanceof DomainError && (e.code === 'WORKFLOW_RUN_FAILED' || e.code === 'EXTRACT_VALUE_ERROR');

/**
 * The embedded adapter: bpmn-engine runs each instance; its state is saved in our database at every wait
 * state, in the same transaction as the workers' effects and the user-task callbacks. An instance is advanced
 * under a row lock (FOR UPDATE on MySQL; on SQLite the process-wide transaction queue + BEGIN IMMEDIATE).
 */
@Injectable()
export class EmbeddedWorkflowEngine extends WorkflowEngine implements PersisterHost {
  readonly kind = 'embedded' as const;
  private readonly logger = new Logger('WorkflowEngine');
  readonly workers = new Map<string, JobHandler>();
  readonly listeners: UserTaskListener[] = [];
  /**
   * Live engines whose state equals the saved revision (reused instead of recover()). An entry built by
   * prepareUserTask outside a transaction also keeps the saved state it was rebuilt from: on SQLite a read
   * outside a transaction can see another flow's uncommitted write, so only the same text counts as a hit.
   */
  private readonly live = new Map<string, LiveEntry>();
  /** Runs being advanced, per transaction (nested advances in one transaction share them). */
  private readonly active = new WeakMap<EntityManager, Map<string, InstanceRun>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private busy = 0;
  private rebuilt = 0;
  /**
   * Starts outside a caller's transaction run the engine outside the write lock (startDetached). On SQLite (one
   * writer for the whole file) that is what lets app processes overlap; on MySQL a new instance's row is locked by
   * nobody else, so the single transaction is cheaper (measured: 147/s detached vs 174/s with two processes).
   */
  detachedStarts: boolean;
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
    this.detachedStarts = tx.isSqlite;
    persister.attach(this);
    jobs.workers = this.workers;
  }

  registerWorker(taskType: string, handler: JobHandler, options?: WorkerOptions): void {
    this.workers.set(taskType, handler);
    this.declareTaskType(taskType, options);
  }

  onUserTask(listener: UserTaskListener): void {
    this.listeners.push(listener);
  }

  validate(xml: string): Promise<ValidationProblem[]> {
    return this.definitions.validate(xml, (t) => this.workers.has(t));
  }

  deploy(
    xml: string,
    opts: { deployedBy?: string | null; source?: 'startup' | 'api'; agencyId?: string | null } = {},
  ): Promise<DeployResult> {
    return this.definitions.deploy(xml, (t) => this.workers.has(t), opts);
  }

  start(options: StartOptions & { agencyId?: string | null }): Promise<{ id: string }> {
    // Outside a caller's transaction the engine's own work runs outside the database write lock (see startDetached).
    if (!this.tx.inTransaction && this.detachedStarts) return this.track(() => this.startDetached(options));
    return this.track(() => this.tx.run((m) => this.startGuarded(m, options)));
  }

  /** Starts in the caller's transaction; a failure of the first steps becomes an incident (Zeebe creates the instance). */
  private async startGuarded(
    m: EntityManager,
    options: StartOptions & { agencyId?: string | null },
  ): Promise<{ id: string }> {
    const row = await this.definitions.resolve(m, options.processId, options.version, startAgency(options));
    const def = await this.definitions.get(m, row.id);
    const id = await this.orIncident(
      m,
      () => this.startIn(m, def, options),
      (e) => {
        this.live.clear();
        return this.persister.startWithIncident(m, def, options, e);
      },
    );
    return { id };
  }

  /**
   * Runs `work` in a savepoint; a failure of the run itself (FEEL, engine) rolls it back and is handed to
   * `incident` (Zeebe keeps the instance and raises an incident); any other error goes up.
   */
  private async orIncident<T>(
    m: EntityManager,
    work: () => Promise<T>,
    incident: (e: DomainError) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.tx.savepoint(m, work);
    } catch (e) {
      if (!isRunFailure(e)) throw e;
      return incident(e as DomainError);
    }
  }

  /**
   * A start with no caller's transaction: bpmn-engine's CPU work runs outside the database write lock, so several
   * app processes (or requests) overlap their engine work and only queue for the writes.
   *  1. outside any transaction: the instance runs in memory until it waits or needs jobs;
   *  2. one transaction per round of jobs: the instance row is inserted first (no engine state yet: "start not
   *     finished"), then the workers' effects and applied-job rows commit together; the engine then continues
   *     outside the lock with the recorded results;
   *  3. a last transaction writes history, waits and the engine state, checking that no other process has taken
   *     the instance over in the meantime (revision still 0).
   * After a crash between 2 and 3, recovery finds the instance active without engine state and runs its start
   * again: the jobs already applied replay their recorded results (exactly once). Anything unusual (a failing
   * job, an uncaught BPMN error, call activities) is finished by the ordinary path inside the transaction.
   */
  private async startDetached(options: StartOptions & { agencyId?: string | null }): Promise<{ id: string }> {
    const reader = this.tx.dataSource.manager;
    const defRow = await this.definitions.resolve(reader, options.processId, options.version, startAgency(options));
    const def = await this.definitions.get(reader, defRow.id);
    const row = this.newInstanceRow(def, options);
    const run = new InstanceRun(row.id, def, row.runtime);
    run.reset(options.startedBy ?? null);
    try {
      await this.startOp(def)(run);
      await InstanceRun.flush();
    } catch (e) {
      run.error = e as Error;
    }
    if (run.error) return this.tx.run((m) => this.startGuarded(m, options));
    let inserted = false;
    for (let round = 0; round < 10_000; round++) {
      const jobs = [...run.jobs.values()].filter((j) => !run.blocked.has(j.jobKey));
      if (!jobs.length || run.calls.length || run.deferred.length) break;
      const outcome = await this.tx.run(async (m) => {
        if (!inserted) await this.insertStarting(m, row, def, options);
        else if (!(await this.stillOurs(m, row))) return 'taken' as const;
        inserted = true;
        const done: [PendingJob, JobOutcome][] = [];
        for (const job of jobs) {
          const o = await this.jobs.attempt(m, row, run, job);
          if (!o || o.kind !== 'done') {
            // a failing job or an uncaught error: record it and finish on the ordinary path, in this transaction
            for (const [j, d] of done) await this.jobs.conclude(m, row, run, j, d);
            if (o) await this.jobs.conclude(m, row, run, job, o);
            await this.finishDetached(m, row, run, def, options, false);
            return 'finished' as const;
          }
          done.push([job, o]);
        }
        return done;
      });
      if (outcome === 'taken' || outcome === 'finished') return { id: row.id };
      // the engine continues outside the lock with the recorded results
      try {
        for (const [job, o] of outcome) this.jobs.resume(run, job, o as Extract<JobOutcome, { kind: 'done' }>);
        await InstanceRun.flush();
      } catch (e) {
        run.error = e as Error;
      }
      if (run.error) {
        const error = this.runError(run) as DomainError;
        await this.tx.run(async (m) => {
          if (await this.stillOurs(m, row)) await this.markIncident(m, row, error);
        });
        return { id: row.id };
      }
    }
    return this.tx.run(async (m) => {
      if (inserted && !(await this.stillOurs(m, row))) return { id: row.id };
      return { id: await this.finishDetached(m, row, run, def, options, !inserted) };
    });
  }

  /** Step 3 of a detached start: the ordinary settle + persist; a run failure becomes an incident of the instance. */
  private async finishDetached(
    m: EntityManager,
    row: WorkflowInstanceEntity,
    run: InstanceRun,
    def: CompiledDefinition,
    options: StartOptions & { agencyId?: string | null },
    isNew: boolean,
  ): Promise<string> {
    return this.orIncident(
      m,
      async () => {
        await this.drive(m, row, run, () => undefined, { isNew, keep: true });
        if (isNew) await this.auditStart(row, def, options);
        return row.id;
      },
      async (e) => {
        if (isNew) return this.persister.startWithIncident(m, def, options, e);
        await this.markIncident(m, row, e);
        return row.id;
      },
    );
  }

  /** An instance whose start did not finish: its incident's retry runs the start again (jobs replay). */
  private async markIncident(m: EntityManager, row: WorkflowInstanceEntity, error: DomainError): Promise<void> {
    await this.persister.recordIncident(m, row.id, error);
    await m.update(WorkflowInstanceEntity, { id: row.id }, { state: 'incident' });
    this.live.delete(row.id);
  }

  /** Step 2 of a detached start: the row exists from now on, its engine state still empty (start not finished). */
  private async insertStarting(
    m: EntityManager,
    row: WorkflowInstanceEntity,
    def: CompiledDefinition,
    options: StartOptions,
  ): Promise<void> {
    const initial = { vars: { ...row.runtime.vars }, locals: {} };
    await fastInsert(m, WorkflowInstanceEntity, [{ ...row, runtime: initial }]);
    await this.auditStart(row, def, options);
  }

  /** Whether the instance is still as this process left it (not recovered or advanced by another process). */
  private async stillOurs(m: EntityManager, row: WorkflowInstanceEntity): Promise<boolean> {
    const rows: { revision: number; state: string }[] = await m.query(
      this.tx.isSqlite
        ? 'SELECT revision, state FROM workflow_instance WHERE id = ?'
        : 'SELECT revision, state FROM workflow_instance WHERE id = ? FOR UPDATE',
      [row.id],
    );
    return !!rows[0] && Number(rows[0].revision) === row.revision && rows[0].state === 'active';
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
  async startIn(m: EntityManager, def: CompiledDefinition, options: InstanceStart): Promise<string> {
    const row = this.newInstanceRow(def, options);
    const run = new InstanceRun(row.id, def, row.runtime);
    await this.drive(m, row, run, this.startOp(def), { isNew: true });
    if (!options.parent) await this.auditStart(row, def, options);
    return row.id;
  }

  private newInstanceRow(
    def: CompiledDefinition,
    options: StartOptions & { agencyId?: string | null; parent?: { instanceId: string; executionId: string } },
  ): WorkflowInstanceEntity {
    const { variables, agencyId, object } = boundStart(options, def.ownerId ?? null);
    return Object.assign(new WorkflowInstanceEntity(), {
      id: this.ids.next(),
      definitionId: def.id,
      processId: def.processId,
      version: def.version,
      businessKey: options.businessKey ?? null,
      agencyId,
      objectType: object?.type ?? null,
      objectId: object?.id ?? null,
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
  }

  private auditStart(row: WorkflowInstanceEntity, def: CompiledDefinition, options: StartOptions): Promise<unknown> {
    return this.audit.record({
      actorId: options.startedBy ?? null,
      agencyId: row.agencyId,
      action: 'workflow.instance.start',
      entityType: 'workflow-instance',
      entityId: row.id,
      data: { processId: def.processId, version: def.version, businessKey: row.businessKey },
    });
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
      const row = await fastFindById(m, WorkflowInstanceEntity, instanceId, { lock: true });
      if (!row) throw notFound('process instance', instanceId);
      if (row.state !== 'active' && row.state !== 'incident')
        throw conflict('WORKFLOW_INSTANCE_ENDED', { id: instanceId });
      const cached = this.live.get(instanceId);
      const hit =
        !!cached &&
        cached.revision === row.revision &&
        (cached.savedState === undefined || cached.savedState === row.engineState);
      let run: InstanceRun;
      if (!row.engineState) {
        // Its start failed (incident): run the start again, then the op.
        const def = await this.definitions.get(m, row.definitionId);
        run = new InstanceRun(row.id, def, { ...row.runtime, locals: {} });
        run.replaying = true;
        const first = this.startOp(def);
        const then = op;
        op = async (r) => {
          await first(r);
          await then(r);
        };
      } else if (hit) {
        run = cached.run;
        run.runtime = row.runtime;
      } else run = await this.rebuild(m, row);
      this.live.delete(instanceId);
      await this.drive(m, row, run, op, { by });
    });
  }

  private async drive(
    m: EntityManager,
    row: WorkflowInstanceEntity,
    run: InstanceRun,
    op: Op,
    opts: { isNew?: boolean; by?: string | null; keep?: boolean },
  ): Promise<void> {
    let runs = this.active.get(m);
    if (!runs) this.active.set(m, (runs = new Map()));
    runs.set(row.id, run);
    // `keep`: a detached start carries on with what it has observed so far (history, waits)
    if (!opts.keep) run.reset(opts.by ?? null);
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
        this.trimLive();
      });
  }

  /**
   * Idle entries beyond IDLE_CACHE_MAX go, and prepared ones beyond PREPARED_MAX or held longer than
   * PREPARED_HOLD_MS, oldest first: the map's order is the order entries were advanced or prepared (both re-add
   * their entry).
   */
  private trimLive(): void {
    const now = Date.now();
    let { idle, prepared } = this.liveEngines();
    for (const [id, e] of this.live) {
      if (e.preparedAt === undefined) {
        if (idle <= IDLE_CACHE_MAX) continue;
        idle--;
      } else {
        if (prepared <= PREPARED_MAX && now - e.preparedAt < PREPARED_HOLD_MS) continue;
        prepared--;
      }
      this.live.delete(id);
    }
  }

  /** Live engines held by this process (for tests and diagnostics), and how many were rebuilt from saved state. */
  liveEngines(): { idle: number; prepared: number; rebuilt: number } {
    let prepared = 0;
    for (const e of this.live.values()) if (e.preparedAt !== undefined) prepared++;
    return { idle: this.live.size - prepared, prepared, rebuilt: this.rebuilt };
  }

  /** A waiting instance's engine from its saved state. */
  private async rebuild(m: EntityManager, row: WorkflowInstanceEntity): Promise<InstanceRun> {
    const def = await this.definitions.get(m, row.definitionId);
    const run = new InstanceRun(row.id, def, row.runtime);
    this.rebuilt++;
    run.replaying = true;
    run.engine.recover(JSON.parse(row.engineState ?? '{}'));
    await run.engine.resume();
    await InstanceRun.flush();
    return run;
  }

  /**
   * Rebuilds the engine of the task's instance before the caller's transaction, when it is not live in this
   * process: recovering a saved engine costs milliseconds of CPU, which inside the transaction would hold the
   * write lock (SQLite: of the whole database) that long. Only a hint: completeUserTask rebuilds anyway when
   * the instance moved on or the entry was evicted.
   */
  override async prepareUserTask(key: string): Promise<void> {
    if (this.tx.inTransaction) return;
    const m = this.tx.manager;
    const task = await fastFindById(m, WorkflowUserTaskEntity, key, { columns: ['instanceId'] });
    if (!task) return;
    const row = await fastFindById(m, WorkflowInstanceEntity, task.instanceId);
    if (!row?.engineState || row.state !== 'active') return;
    // a live engine as fresh as the saved state is held for this completion instead
    const hold = (e: LiveEntry) => {
      this.live.delete(row.id);
      this.live.set(row.id, { ...e, preparedAt: Date.now() });
      this.trimLive();
    };
    const fresh = () => {
      const e = this.live.get(row.id);
      return e && e.revision >= row.revision ? e : undefined;
    };
    const live = fresh();
    if (live) return hold(live);
    const run = await this.rebuild(m, row);
    // an advance of this process may have got there first
    hold(fresh() ?? { run, revision: row.revision, savedState: row.engineState });
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
        const agencyId = typeof variables.agencyId === 'string' ? variables.agencyId : null;
        for (const { def } of await this.definitions.messageStarts(m, name, agencyId))
          await this.startIn(m, def, { processId: def.processId, variables, agencyId: agencyId ?? def.ownerId });
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
        const task = await fastFindById(m, WorkflowUserTaskEntity, key);
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

  /** Advances an instance with nothing new: runs what is due (jobs, a start not finished), saves. */
  resumeInstance(instanceId: string): Promise<void> {
    return this.track(() => this.tx.run((m) => this.advance(m, instanceId, () => undefined)));
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
