import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '../../../../common/clock.js';
import { isUniqueViolation } from '../../../../database/db-errors.js';
import { fastInsert } from '../../../../database/fast-sql.js';
import { TransactionService } from '../../../../database/transaction.service.js';
import { WorkflowInstanceEntity } from '../../workflow-instance.entity.js';
import {
  WorkflowAppliedJobEntity,
  WorkflowIncidentEntity,
  WorkflowJobEntity,
  WorkflowTimerEntity,
} from '../../workflow-wait.entity.js';
import { AuditService } from '../../../audit/index.js';
import { BpmnError, ObjectRefused, type JobHandler } from '../workflow-engine.port.js';
import type { InstanceRun, PendingJob } from './instance-run.js';
import type { CompiledDefinition } from './model.js';

/** Back-off between attempts of a failing job: 10 s, 20 s, 40 s … capped at 10 minutes. */
/** Due time of timers held by an engine-error incident until it is retried. */
export const HELD = new Date(Date.UTC(9000, 0, 1));

type JobResult = {
  variables?: Record<string, unknown>;
  error?: { code: string; message: string };
  /** Variables a BPMN error carries (applied when the error is thrown into the engine, also on replay). */
  setVariables?: Record<string, unknown>;
};

export type JobOutcome =
  | { kind: 'done'; result: JobResult; failed: boolean }
  | { kind: 'uncaught'; error: BpmnError; failed: boolean }
  | { kind: 'failed'; error: Error; jobRow: WorkflowJobEntity | null; failed: boolean };

export const backoffMs = (attempt: number) => Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 600_000);

/**
 * Runs one service-task job inside the advance's transaction, within a savepoint: the worker's effect, the
 * applied-job row and the new engine state commit together; a failed attempt leaves no effect behind.
 */
@Injectable()
export class JobRunner {
  workers: Map<string, JobHandler> = new Map();

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
  ) {}

  async run(m: EntityManager, row: WorkflowInstanceEntity, run: InstanceRun, job: PendingJob): Promise<void> {
    const outcome = await this.attempt(m, row, run, job);
    if (outcome) await this.conclude(m, row, run, job, outcome);
  }

  /**
   * Runs the worker (or replays its recorded result) inside a savepoint of the caller's transaction; the effect
   * and the applied-job row commit together. Does not touch the engine: `conclude` (or `resume`) does that.
   * Returns null when the job cannot run now (back-off, incident, no worker).
   */
  async attempt(
    m: EntityManager,
    row: WorkflowInstanceEntity,
    run: InstanceRun,
    job: PendingJob,
  ): Promise<JobOutcome | null> {
    const now = this.clock.now();
    const failed = !!run.runtime.failedJobs?.[job.jobKey];
    let jobRow: WorkflowJobEntity | null = null;
    if (failed) {
      jobRow = await m.findOneBy(WorkflowJobEntity, { jobKey: job.jobKey });
      if (jobRow && (jobRow.state === 'incident' || jobRow.nextAttemptAt.getTime() > now.getTime())) {
        run.blocked.add(job.jobKey);
        return null;
      }
    }
    const taskType = job.info.taskType!;
    const handler = this.workers.get(taskType);
    if (!handler) {
      // Deploy refuses unknown types, but at recovery a module may not have registered yet: poll again later.
      run.blocked.add(job.jobKey);
      const values = {
        jobKey: job.jobKey,
        instanceId: row.id,
        elementId: job.info.id,
        taskType,
        retries: jobRow?.retries ?? job.info.retries ?? 3,
        state: 'pending',
        nextAttemptAt: new Date(now.getTime() + 5_000),
        lastError: `no worker registered for task type "${taskType}"`,
      };
      if (jobRow) await m.update(WorkflowJobEntity, { jobKey: job.jobKey }, values);
      else await m.insert(WorkflowJobEntity, values);
      (run.runtime.failedJobs ??= {})[job.jobKey] = true;
      return null;
    }
    if (run.replaying) {
      // an instance run again (recovered, or its start repeated): a job already applied is not handed to its
      // worker again, its recorded result is used
      const applied = await m.findOneBy(WorkflowAppliedJobEntity, { jobKey: job.jobKey });
      if (applied) return { kind: 'done', result: (applied.result ?? {}) as JobResult, failed };
    }
    try {
      const result = await this.tx.savepoint(m, async () => {
        const out = await handler({
          jobKey: job.jobKey,
          processInstanceId: row.id,
          processId: row.processId,
          businessKey: row.businessKey,
          agencyId: row.agencyId,
          object: row.objectType && row.objectId ? { type: row.objectType, id: row.objectId } : null,
          elementId: job.info.id,
          taskType,
          retries: jobRow?.retries ?? job.info.retries ?? 3,
          variables: run.contextFor(job.message),
          headers: job.info.headers,
          manager: m,
        });
        const done = { variables: (out && out.variables) || {} };
        await fastInsert(m, WorkflowAppliedJobEntity, [
          { jobKey: job.jobKey, instanceId: row.id, appliedAt: now, result: done },
        ]);
        return done;
      });
      return { kind: 'done', result, failed };
    } catch (e) {
      if (isUniqueViolation(e)) {
        // A replay of a job already applied: continue with the recorded result, skip the effect.
        const applied = await m.findOneByOrFail(WorkflowAppliedJobEntity, { jobKey: job.jobKey });
        return { kind: 'done', result: (applied.result ?? {}) as JobResult, failed };
      }
      if (e instanceof BpmnError) {
        if (!catchable(run.def, job.info.id, e.errorCode)) return { kind: 'uncaught', error: e, failed };
        const result: JobResult = { error: { code: e.errorCode, message: e.message }, setVariables: e.variables };
        await fastInsert(m, WorkflowAppliedJobEntity, [
          { jobKey: job.jobKey, instanceId: row.id, appliedAt: now, result },
        ]);
        return { kind: 'done', result, failed };
      }
      return { kind: 'failed', error: e as Error, jobRow, failed };
    }
  }

  /** Records a failed or uncaught attempt, or hands a finished one back to the engine (see `resume`). */
  async conclude(
    m: EntityManager,
    row: WorkflowInstanceEntity,
    run: InstanceRun,
    job: PendingJob,
    outcome: JobOutcome,
  ): Promise<void> {
    if (outcome.kind === 'uncaught') {
      const e = outcome.error;
      await this.incident(
        m,
        row,
        run,
        job,
        'UNHANDLED_ERROR_EVENT',
        `unhandled BPMN error "${e.errorCode}": ${e.message}`,
      );
      return;
    }
    if (outcome.kind === 'failed') {
      await this.fail(m, row, run, job, outcome.jobRow, outcome.error);
      return;
    }
    if (outcome.failed) await m.delete(WorkflowJobEntity, { jobKey: job.jobKey });
    this.resume(run, job, outcome);
  }

  /** Continues the engine with a finished job's result (no database work: may run outside the transaction). */
  resume(run: InstanceRun, job: PendingJob, outcome: Extract<JobOutcome, { kind: 'done' }>): void {
    const result = outcome.result;
    run.jobs.delete(job.jobKey);
    run.forgetJob(job.executionId);
    if (outcome.failed) delete run.runtime.failedJobs![job.jobKey];
    if (result.error) {
      for (const [k, v] of Object.entries(result.setVariables ?? {})) run.setVar(k, v);
      job.callback(Object.assign(new Error(result.error.message), { code: result.error.code }));
    } else {
      run.collectIteration(job.info, job.message, result.variables);
      run.mergeOutput(job.info, result.variables);
      job.callback(null, result.variables);
    }
  }

  private async fail(
    m: EntityManager,
    row: WorkflowInstanceEntity,
    run: InstanceRun,
    job: PendingJob,
    jobRow: WorkflowJobEntity | null,
    error: Error,
  ): Promise<void> {
    const refused = error instanceof ObjectRefused;
    // a refusal will not change on a retry: an incident now, audited (the worker changed nothing)
    const retries = refused ? 0 : (jobRow?.retries ?? job.info.retries ?? 3) - 1;
    if (refused)
      await this.audit.record({
        actorId: null,
        agencyId: row.agencyId,
        action: 'workflow.job.refused',
        entityType: 'workflow-instance',
        entityId: row.id,
        data: { elementId: job.info.id, taskType: job.info.taskType, reason: error.message, ...error.data },
      });
    const attempt = (job.info.retries ?? 3) - retries;
    const values = {
      jobKey: job.jobKey,
      instanceId: row.id,
      elementId: job.info.id,
      taskType: job.info.taskType!,
      retries: Math.max(0, retries),
      state: retries > 0 ? 'pending' : 'incident',
      nextAttemptAt: new Date(this.clock.now().getTime() + backoffMs(attempt)),
      lastError: String(error?.message ?? error).slice(0, 1000),
    };
    if (jobRow) await m.update(WorkflowJobEntity, { jobKey: job.jobKey }, values);
    else await m.insert(WorkflowJobEntity, values);
    (run.runtime.failedJobs ??= {})[job.jobKey] = true;
    run.blocked.add(job.jobKey);
    if (retries <= 0)
      await this.incident(m, row, run, job, refused ? 'OBJECT_REFUSED' : 'JOB_NO_RETRIES', values.lastError, false);
  }

  private async incident(
    m: EntityManager,
    row: WorkflowInstanceEntity,
    run: InstanceRun,
    job: PendingJob,
    type: string,
    message: string,
    writeJob = true,
  ): Promise<void> {
    if (writeJob) {
      const values = {
        jobKey: job.jobKey,
        instanceId: row.id,
        elementId: job.info.id,
        taskType: job.info.taskType!,
        retries: 0,
        state: 'incident',
        nextAttemptAt: this.clock.now(),
        lastError: message.slice(0, 1000),
      };
      const exists = await m.findOneBy(WorkflowJobEntity, { jobKey: job.jobKey });
      if (exists) await m.update(WorkflowJobEntity, { jobKey: job.jobKey }, values);
      else await m.insert(WorkflowJobEntity, values);
      (run.runtime.failedJobs ??= {})[job.jobKey] = true;
    }
    await m.insert(WorkflowIncidentEntity, {
      id: this.ids.next(),
      instanceId: row.id,
      jobKey: job.jobKey,
      elementId: job.info.id,
      type,
      message: message.slice(0, 1000),
      state: 'open',
      createdAt: this.clock.now(),
      resolvedAt: null,
    });
    row.state = 'incident';
    run.blocked.add(job.jobKey);
  }

  /** Resolving an incident gives its job one more attempt now (Zeebe: update retries, resolve). */
  async resolveIncident(m: EntityManager, incident: WorkflowIncidentEntity): Promise<void> {
    await m.update(WorkflowIncidentEntity, { id: incident.id }, { state: 'resolved', resolvedAt: this.clock.now() });
    if (!incident.jobKey) {
      await m.update(WorkflowJobEntity, { instanceId: incident.instanceId, state: 'held' }, { state: 'pending' });
      await m.update(
        WorkflowTimerEntity,
        { instanceId: incident.instanceId, dueAt: HELD },
        { dueAt: this.clock.now() },
      );
    }
    const open = await m.countBy(WorkflowIncidentEntity, { instanceId: incident.instanceId, state: 'open' });
    if (!open)
      await m.update(WorkflowInstanceEntity, { id: incident.instanceId, state: 'incident' }, { state: 'active' });
    if (incident.jobKey)
      await m.update(
        WorkflowJobEntity,
        { jobKey: incident.jobKey },
        { state: 'pending', retries: 1, nextAttemptAt: this.clock.now() },
      );
  }
}

/** Whether an error boundary on the element or an enclosing sub-process catches this code. */
export function catchable(def: CompiledDefinition, elementId: string, code: string): boolean {
  let scope: string | undefined = elementId;
  while (scope && scope !== def.processId) {
    for (const info of def.elements.values())
      if (
        info.type === 'bpmn:BoundaryEvent' &&
        info.attachedTo === scope &&
        info.eventKinds.includes('bpmn:ErrorEventDefinition') &&
        (info.errorCode === undefined || info.errorCode === code)
      )
        return true;
    scope = def.elements.get(scope)?.scopeId;
  }
  return false;
}
