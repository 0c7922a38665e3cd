import { existsSync, readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../../../common/clock.js';
import { lazyRequire } from '../../../../common/lazy-require.js';
import { formFile } from '../../../../common/process-files.js';
import { isUniqueViolation } from '../../../../database/db-errors.js';
import { TransactionService } from '../../../../database/transaction.service.js';
import { WorkflowAppliedJobEntity } from '../../workflow-wait.entity.js';
import { DefinitionStore } from '../embedded/definition-store.js';
import { backoffMs } from '../embedded/job-runner.js';
import { boundStart } from '../embedded/bound-start.js';
import {
  BpmnError,
  ObjectRefused,
  WorkflowEngine,
  type DeployResult,
  type JobContext,
  type JobHandler,
  type StartOptions,
  type UserTaskInfo,
  type UserTaskListener,
  type ValidationProblem,
  type WorkerOptions,
} from '../workflow-engine.port.js';
import type { ActivatedJob, JobWorkerHandle, OrchestrationClient } from './orchestration-client.js';
import { USER_TASK_LISTENER_TYPE, withTaskListeners } from './task-listeners.js';

export { USER_TASK_LISTENER_TYPE } from './task-listeners.js';
export type { ActivatedJob, OrchestrationClient } from './orchestration-client.js';

/** A form deployed with its process (Camunda Forms JSON; `zeebe:formDefinition formId` links it). */
export interface DeployResource {
  name: string;
  content: string | Buffer;
}

export interface ZeebeEngineOptions {
  /** How long a published message waits for its catch event (ms): a dossier message may arrive first. */
  messageTtlMs?: number;
  /** Long-poll timeout of job activation (ms). */
  pollTimeoutMs?: number;
}

/**
 * The forms of processes/forms that the user tasks of a BPMN link (`zeebe:formDefinition formId`): deployed with
 * it, so Camunda 8.8 never raises FORM_NOT_FOUND for a form hoso ships.
 */
export function linkedForms(xml: string): DeployResource[] {
  const ids = new Set([...xml.matchAll(/<zeebe:formDefinition\b[^>]*\bformId="([^"]+)"/g)].map((m) => m[1]));
  const out: DeployResource[] = [];
  for (const id of ids) {
    const file = formFile(id);
    if (file && existsSync(file)) out.push({ name: `${id}.form`, content: readFileSync(file) });
  }
  return out;
}

/** The instance's agency and object as the server set them at start (variables no deployed model may write). */
export function boundOfJob(v: Record<string, unknown>): Pick<JobContext, 'agencyId' | 'object'> {
  const str = (x: unknown) => (typeof x === 'string' && x ? x : null);
  const doc = str(v.documentId);
  const dossier = str(v.dossierId);
  return {
    agencyId: str(v.agencyId),
    object: doc ? { type: 'document', id: doc } : dossier ? { type: 'dossier', id: dossier } : null,
  };
}

const date = (v: unknown) => (typeof v === 'string' && v && !Number.isNaN(Date.parse(v)) ? new Date(v) : null);

/**
 * Maps the job of a `creating` user task listener (Camunda 8.8: the job carries the task's properties) to hoso's
 * inbox contract. The element's name is not in the job: `name` comes from the deployed definition.
 */
export function userTaskFromListenerJob(job: ActivatedJob, name: string, now: Date): UserTaskInfo {
  const ut = job.userTask ?? {};
  const key = ut.userTaskKey;
  if (!key) throw new Error(`task listener job ${job.jobKey} carries no user task key`);
  return {
    key: String(key),
    processInstanceId: String(job.processInstanceKey),
    processId: job.processDefinitionId,
    processVersion: job.processDefinitionVersion ?? 0,
    businessKey: typeof job.variables.businessKey === 'string' ? job.variables.businessKey : null,
    agencyId: typeof job.variables.agencyId === 'string' ? job.variables.agencyId : null,
    elementId: job.elementId,
    name: name || job.elementId,
    assignee: typeof ut.assignee === 'string' && ut.assignee ? ut.assignee : null,
    candidateGroups: [...(ut.candidateGroups ?? [])],
    candidateUsers: [...(ut.candidateUsers ?? [])],
    dueAt: date(ut.dueDate),
    ...(typeof ut.dueDate === 'string' && ut.dueDate ? { dueDate: ut.dueDate } : {}),
    followUpAt: date(ut.followUpDate),
    formId: ut.formKey ? String(ut.formKey) : null,
    variables: { ...job.variables },
    headers: Object.fromEntries(Object.entries(job.customHeaders ?? {}).map(([k, v]) => [k, String(v)])),
    createdAt: now,
  };
}

/** Loaded only when this adapter connects: the SDK and its HTTP stack cost each process memory. */
const camundaSdk = lazyRequire<typeof import('@camunda8/sdk')>('@camunda8/sdk');

/**
 * The Zeebe adapter (WORKFLOW_ENGINE=zeebe) for Camunda 8.8, entirely over the Orchestration Cluster REST API
 * (/v2; configured by the SDK's variables: ZEEBE_REST_ADDRESS or CAMUNDA_REST_ADDRESS, CAMUNDA_AUTH_STRATEGY, …).
 * - Deploy: the BPMN and its forms in one deployment, with hoso's user task listeners added to every user task,
 *   for the agency's tenant.
 * - Service tasks: REST job workers with the same JobHandler contract as the embedded engine: the domain change and
 *   the applied-job row commit in one transaction keyed by the job key, so a redelivered job (at-least-once) is
 *   completed without applying its effect twice.
 * - User tasks stay Camunda user tasks (`<zeebe:userTask/>`): hoso learns of them through the `creating` and
 *   `canceling` listeners, and completes / assigns them through /v2/user-tasks.
 */
export class ZeebeWorkflowEngine extends WorkflowEngine {
  readonly kind = 'zeebe' as const;
  private readonly logger = new Logger('ZeebeEngine');
  private readonly workers = new Map<string, JobHandler>();
  private readonly jobWorkers: JobWorkerHandle[] = [];
  private readonly listeners: UserTaskListener[] = [];
  private rest?: OrchestrationClient;
  private started = false;

  constructor(
    private readonly tx: TransactionService,
    private readonly definitions: DefinitionStore,
    private readonly clock: Clock,
    private readonly clientFactory: () => OrchestrationClient = () =>
      new (camundaSdk().Camunda8)().getOrchestrationClusterApiClientLoose() as unknown as OrchestrationClient,
    private readonly options: ZeebeEngineOptions = {},
  ) {
    super();
  }

  get client(): OrchestrationClient {
    this.rest ??= this.clientFactory();
    return this.rest;
  }

  validate(xml: string): Promise<ValidationProblem[]> {
    return this.definitions.validate(xml, (t) => this.workers.has(t), 'zeebe');
  }

  async deploy(
    xml: string,
    opts: {
      deployedBy?: string | null;
      source?: 'startup' | 'api';
      /** Forms the process's user tasks link, deployed with it (Camunda 8.8 resolves formId within the tenant). */
      resources?: DeployResource[];
      /** Default: the owning agency's tenant (its OrganId), see tenantOf. */
      tenantId?: string;
      /** The owning agency (issue 21): its tenant receives the deployment. */
      agencyId?: string | null;
    } = {},
  ): Promise<DeployResult> {
    this.startWorkers();
    const { resources = linkedForms(xml), tenantId, ...rest } = opts;
    return this.definitions.deploy(xml, (t) => this.workers.has(t), {
      ...rest,
      target: 'zeebe',
      publish: async (processId, ownerId) => {
        const files = [
          new File([await withTaskListeners(xml)], `${processId}.bpmn`, { type: 'application/xml' }),
          ...resources.map((r) => new File([r.content], r.name, { type: 'application/json' })),
        ];
        const tenant = tenantId ?? (await this.tenantOf(ownerId));
        await this.client.createDeployment({ resources: files, ...(tenant ? { tenantId: tenant } : {}) });
      },
    });
  }

  /**
   * Starts the nearest variant up the agency tree (our definition table mirrors every tenant's deployments): the
   * latest version in its owner's tenant. The bound object travels as server-owned variables (Zeebe keeps no
   * row of ours); the deploy policy refuses any mapping that would write them.
   */
  async start(options: StartOptions & { tenantId?: string }): Promise<{ id: string }> {
    this.startWorkers();
    const { variables, agencyId } = boundStart(options, null);
    const def = await this.definitions.resolve(this.tx.manager, options.processId, options.version, agencyId);
    const tenant = options.tenantId ?? (await this.tenantOf(def.agencyId));
    const res = await this.client.createProcessInstance({
      processDefinitionId: options.processId,
      // Camunda numbers versions per tenant, hoso per process id: the tenant's latest is the owner's latest
      ...(options.version ? { processDefinitionVersion: options.version } : {}),
      variables: { ...variables, ...(options.businessKey ? { businessKey: options.businessKey } : {}) },
      ...(tenant ? { tenantId: tenant } : {}),
    });
    return { id: String(res.processInstanceKey) };
  }

  /** Camunda 8's tenantId of an owning agency: its OrganId; a definition without owner uses the default tenant. */
  async tenantOf(agencyId: string | null): Promise<string | undefined> {
    if (!agencyId) return undefined;
    const rows: { organ_id: string }[] = await this.tx.manager.query('SELECT organ_id FROM agency WHERE id = ?', [
      agencyId,
    ]);
    return rows[0]?.organ_id;
  }

  /**
   * Published with a time-to-live: a message hoso sends may come before the instance reaches its catch event
   * (the dossier lifecycle's messages are published from other flows), and Zeebe buffers it that long.
   */
  async publishMessage(
    name: string,
    correlationKey: string,
    variables: Record<string, unknown> = {},
    opts: { timeToLiveMs?: number; tenantId?: string } = {},
  ): Promise<void> {
    await this.client.publishMessage({
      name,
      correlationKey,
      variables,
      timeToLive: opts.timeToLiveMs ?? this.options.messageTtlMs ?? 3_600_000,
      ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
    });
  }

  async completeUserTask(key: string, variables: Record<string, unknown>): Promise<void> {
    await this.whileTransitioning(() =>
      this.client.completeUserTask({ userTaskKey: key, variables, action: 'complete' }),
    );
  }

  /** Mirrors an assignment made in hoso's inbox onto the Camunda user task. */
  async assignUserTask(key: string, assignee: string): Promise<void> {
    await this.whileTransitioning(() =>
      this.client.assignUserTask({ userTaskKey: key, assignee, allowOverride: true }),
    );
  }

  /**
   * A task enters hoso's inbox inside its `creating` listener, before the listener's job is completed: for that
   * moment Camunda answers 409 INVALID_STATE to a completion or assignment. Retried for a few seconds, then the
   * error goes to the caller.
   */
  private async whileTransitioning<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status !== 409 || attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 500)));
      }
    }
  }

  async cancel(instanceId: string): Promise<void> {
    await this.client.cancelProcessInstance({ processInstanceKey: instanceId });
  }

  registerWorker(taskType: string, handler: JobHandler, options?: WorkerOptions): void {
    this.workers.set(taskType, handler);
    this.declareTaskType(taskType, options);
    if (this.started) this.createWorker(taskType);
  }

  onUserTask(listener: UserTaskListener): void {
    this.listeners.push(listener);
  }

  idle(): Promise<void> {
    return Promise.resolve();
  }

  /** Opens the job workers (on first use, so constructing the adapter never touches the network). */
  startWorkers(): void {
    if (this.started) return;
    this.started = true;
    for (const type of this.workers.keys()) this.createWorker(type);
    this.jobWorkers.push(
      this.client.createJobWorker({
        jobType: USER_TASK_LISTENER_TYPE,
        workerName: 'hoso-user-tasks',
        maxParallelJobs: 8,
        jobTimeoutMs: 60_000,
        pollTimeoutMs: this.options.pollTimeoutMs ?? 10_000,
        jobHandler: (job) => this.handleListenerJob(job),
      }),
    );
  }

  stopWorkers(): void {
    for (const w of this.jobWorkers.splice(0)) w.stop();
    this.started = false;
  }

  private createWorker(taskType: string): void {
    this.jobWorkers.push(
      this.client.createJobWorker({
        jobType: taskType,
        workerName: `hoso-${taskType}`,
        maxParallelJobs: 4,
        jobTimeoutMs: 5 * 60_000,
        pollTimeoutMs: this.options.pollTimeoutMs ?? 10_000,
        jobHandler: (job) => this.handleJob(job),
      }),
    );
  }

  /** Runs `effect` once per job key: a redelivered job answers with the first run's result. */
  private async once(
    job: ActivatedJob,
    effect: (m: EntityManager) => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const jobKey = `zeebe:${job.jobKey}`;
    try {
      return await this.tx.run(async (m) => {
        const done = await m.findOneBy(WorkflowAppliedJobEntity, { jobKey });
        if (done) return ((done.result ?? {}) as { variables?: Record<string, unknown> }).variables ?? {};
        const vars = await effect(m);
        await m.insert(WorkflowAppliedJobEntity, {
          jobKey,
          instanceId: String(job.processInstanceKey).slice(0, 100),
          appliedAt: this.clock.now(),
          result: { variables: vars },
        });
        return vars;
      });
    } catch (e) {
      if (isUniqueViolation(e)) return this.once(job, effect); // applied concurrently: answer with its result
      throw e;
    }
  }

  private fail(job: ActivatedJob, e: unknown): Promise<unknown> {
    // a refused object will not change on a retry: an incident now
    const retries = e instanceof ObjectRefused ? 0 : Math.max(0, job.retries - 1);
    this.logger.warn(`job ${job.jobKey} (${job.type}) failed, ${retries} retries left: ${(e as Error).message}`);
    return job.fail({ errorMessage: (e as Error).message, retries, retryBackOff: backoffMs(3 - retries) });
  }

  /** One service job → one worker call; complete with its variables, throw its BPMN error, or fail (retry). */
  async handleJob(job: ActivatedJob): Promise<unknown> {
    const handler = this.workers.get(job.type);
    if (!handler)
      return job.fail({ errorMessage: `no worker for ${job.type}`, retries: job.retries, retryBackOff: 5000 });
    try {
      const variables = await this.once(job, async (m) => {
        const out = await handler({
          jobKey: `zeebe:${job.jobKey}`,
          processInstanceId: String(job.processInstanceKey),
          processId: job.processDefinitionId,
          businessKey: typeof job.variables.businessKey === 'string' ? job.variables.businessKey : null,
          ...boundOfJob(job.variables),
          elementId: job.elementId,
          taskType: job.type,
          retries: job.retries,
          variables: { ...job.variables },
          headers: Object.fromEntries(Object.entries(job.customHeaders ?? {}).map(([k, v]) => [k, String(v)])),
          manager: m,
        });
        return (out && out.variables) || {};
      });
      return await job.complete(variables);
    } catch (e) {
      if (e instanceof BpmnError)
        return job.error({ errorCode: e.errorCode, errorMessage: e.message, variables: e.variables });
      return this.fail(job, e);
    }
  }

  /**
   * A user task listener's job. `creating`: the task enters the inbox (in the transaction that records the job);
   * `canceling`: it leaves it. Completing the listener job lets the transition go on; a failure retries and, at
   * zero retries, raises an incident on the task instead of losing it.
   */
  async handleListenerJob(job: ActivatedJob): Promise<unknown> {
    const event = String(job.listenerEventType ?? '').toUpperCase();
    try {
      if (event === 'CREATING') {
        await this.once(job, async (m) => {
          const task = userTaskFromListenerJob(job, await this.elementName(m, job), this.clock.now());
          for (const l of this.listeners) await l.created(task, m);
          return {};
        });
      } else if (event === 'CANCELING') {
        const key = job.userTask?.userTaskKey;
        if (key)
          await this.once(job, async (m) => {
            for (const l of this.listeners) await l.cancelled(String(key), 'interrupted', m);
            return {};
          });
      }
      // ASSIGNING and COMPLETING: hoso asked for them itself (its own checks ran before the REST call)
      return await job.complete();
    } catch (e) {
      return this.fail(job, e);
    }
  }

  private async elementName(m: EntityManager, job: ActivatedJob): Promise<string> {
    try {
      const row = await this.definitions.resolve(m, job.processDefinitionId, job.processDefinitionVersion);
      const def = await this.definitions.get(m, row.id);
      return def.elements.get(job.elementId)?.name ?? job.elementId;
    } catch {
      return job.elementId; // a version deployed by another tool: the element id is the best name there is
    }
  }
}
