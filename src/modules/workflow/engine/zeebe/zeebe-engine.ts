import { Logger } from '@nestjs/common';
import { Clock } from '../../../../common/clock.js';
import { lazyRequire } from '../../../../common/lazy-require.js';
import { isUniqueViolation } from '../../../../database/db-errors.js';
import { TransactionService } from '../../../../database/transaction.service.js';
import { WorkflowAppliedJobEntity } from '../../workflow-wait.entity.js';
import { boundStart } from '../embedded/bound-start.js';
import { DefinitionStore } from '../embedded/definition-store.js';
import { backoffMs } from '../embedded/job-runner.js';
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

/** Job-based user tasks: the mechanism the Zeebe gRPC client supports for user tasks (Camunda 8.8). */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';

/** The part of a Zeebe job the adapter reads and answers (the SDK's Job plus its completion interface). */
export interface ZeebeJobLike {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionVersion?: number;
  elementId: string;
  retries: number;
  customHeaders: Record<string, unknown>;
  variables: Record<string, unknown>;
  complete(variables?: Record<string, unknown>): Promise<unknown>;
  fail(conf: { errorMessage: string; retries?: number; retryBackOff?: number }): Promise<unknown>;
  error(e: { errorCode: string; errorMessage?: string; variables: Record<string, unknown> }): Promise<unknown>;
  forward(): unknown;
}

const list = (v: unknown): string[] => {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v !== 'string' || !v.trim()) return [];
  try {
    const parsed = JSON.parse(v);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    /* a comma-separated list */
  }
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
};
const date = (v: unknown) => (typeof v === 'string' && v && !Number.isNaN(Date.parse(v)) ? new Date(v) : null);

/** The instance's agency and object as the server set them at start (variables no mapping may write). */
export function boundOfJob(v: Record<string, unknown>): Pick<JobContext, 'agencyId' | 'object'> {
  const str = (x: unknown) => (typeof x === 'string' && x ? x : null);
  const doc = str(v.documentId);
  const dossier = str(v.dossierId);
  return {
    agencyId: str(v.agencyId),
    object: doc ? { type: 'document', id: doc } : dossier ? { type: 'dossier', id: dossier } : null,
  };
}

/** Maps a job of type io.camunda.zeebe:userTask (headers set by Zeebe from zeebe:* extensions) to our user task. */
export function userTaskFromJob(job: ZeebeJobLike, now: Date): UserTaskInfo {
  const h = job.customHeaders ?? {};
  return {
    key: String(job.key),
    processInstanceId: String(job.processInstanceKey),
    processId: job.bpmnProcessId,
    processVersion: job.processDefinitionVersion ?? 0,
    businessKey: typeof job.variables.businessKey === 'string' ? job.variables.businessKey : null,
    agencyId: typeof job.variables.agencyId === 'string' ? job.variables.agencyId : null,
    elementId: job.elementId,
    name: String(h['io.camunda.zeebe:name'] ?? job.elementId),
    assignee: typeof h['io.camunda.zeebe:assignee'] === 'string' ? (h['io.camunda.zeebe:assignee'] as string) : null,
    candidateGroups: list(h['io.camunda.zeebe:candidateGroups']),
    candidateUsers: list(h['io.camunda.zeebe:candidateUsers']),
    dueAt: date(h['io.camunda.zeebe:dueDate']),
    followUpAt: date(h['io.camunda.zeebe:followUpDate']),
    formId: (h['io.camunda.zeebe:formKey'] as string) ?? null,
    variables: { ...job.variables },
    headers: Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)])),
    createdAt: now,
  };
}

/**
 * The Zeebe adapter (WORKFLOW_ENGINE=zeebe): the only importer of @camunda8/sdk. Configured by the SDK's
 * standard variables (ZEEBE_GRPC_ADDRESS, ZEEBE_CLIENT_ID, CAMUNDA_AUTH_STRATEGY, …). Workers keep the same
 * JobHandler contract: the domain change and the applied-job row commit in one transaction keyed by the Zeebe job
 * key, so a job Zeebe delivers again (at-least-once) is completed without applying its effect twice.
 */
/** Loaded only when this adapter connects: the SDK and its gRPC stack cost each process ~45 MB. */
const camundaSdk = lazyRequire<typeof import('@camunda8/sdk')>('@camunda8/sdk');

export class ZeebeWorkflowEngine extends WorkflowEngine {
  readonly kind = 'zeebe' as const;
  private readonly logger = new Logger('ZeebeEngine');
  private readonly workers = new Map<string, JobHandler>();
  private readonly listeners: UserTaskListener[] = [];
  private zeebe?: any;
  private started = false;

  constructor(
    private readonly tx: TransactionService,
    private readonly definitions: DefinitionStore,
    private readonly clock: Clock,
    private readonly clientFactory: () => any = () => new (camundaSdk().Camunda8)().getZeebeGrpcApiClient(),
  ) {
    super();
  }

  get client(): any {
    this.zeebe ??= this.clientFactory();
    return this.zeebe;
  }

  validate(xml: string): Promise<ValidationProblem[]> {
    return this.definitions.validate(xml, (t) => this.workers.has(t), 'zeebe');
  }

  /**
   * A deployment goes to the owner's tenant (Camunda 8 multi-tenancy: tenantId = the agency's OrganId); our
   * definition table mirrors it, so a start picks the nearest variant up the agency tree and names its tenant.
   */
  async deploy(
    xml: string,
    opts: { deployedBy?: string | null; source?: 'startup' | 'api'; agencyId?: string | null } = {},
  ): Promise<DeployResult> {
    this.startWorkers();
    return this.definitions.deploy(xml, (t) => this.workers.has(t), {
      ...opts,
      target: 'zeebe',
      publish: async (processId, ownerId) => {
        await this.client.deployResource({
          name: `${processId}.bpmn`,
          process: Buffer.from(xml, 'utf8'),
          ...(await this.tenantOf(ownerId)),
        });
      },
    });
  }

  async start(options: StartOptions): Promise<{ id: string }> {
    this.startWorkers();
    const { variables, agencyId } = boundStart(options, null);
    const def = await this.definitions.resolve(this.tx.manager, options.processId, options.version, agencyId);
    // The bound object travels as variables (Zeebe keeps no row of ours); the deploy policy refuses any mapping
    // that would write these names, so a model cannot change them.
    const res = await this.client.createProcessInstance({
      bpmnProcessId: options.processId,
      version: def.version,
      variables,
      ...(await this.tenantOf(def.agencyId)),
    });
    return { id: String(res.processInstanceKey) };
  }

  /** Camunda 8's tenantId is the owning agency's OrganId; a definition without owner uses the default tenant. */
  async tenantOf(agencyId: string | null): Promise<{ tenantId?: string }> {
    if (!agencyId) return {};
    const rows: { organ_id: string }[] = await this.tx.manager.query('SELECT organ_id FROM agency WHERE id = ?', [
      agencyId,
    ]);
    return rows[0] ? { tenantId: rows[0].organ_id } : {};
  }

  async publishMessage(name: string, correlationKey: string, variables: Record<string, unknown> = {}): Promise<void> {
    await this.client.publishMessage({ name, correlationKey, variables, timeToLive: 0 });
  }

  async completeUserTask(key: string, variables: Record<string, unknown>): Promise<void> {
    await this.client.completeJob({ jobKey: key, variables });
  }

  async cancel(instanceId: string): Promise<void> {
    await this.client.cancelProcessInstance(instanceId);
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
    this.client.createWorker({
      taskType: USER_TASK_JOB_TYPE,
      timeout: 30 * 24 * 3600 * 1000, // the job stays activated while a person works on it
      taskHandler: (job: ZeebeJobLike) => this.handleUserTaskJob(job),
    });
  }

  private createWorker(taskType: string): void {
    this.client.createWorker({ taskType, taskHandler: (job: ZeebeJobLike) => this.handleJob(job) });
  }

  /** One job → one worker call in a transaction that also records the job key (a redelivery is a no-op). */
  async handleJob(job: ZeebeJobLike): Promise<unknown> {
    const handler = this.workers.get(job.type);
    if (!handler)
      return job.fail({ errorMessage: `no worker for ${job.type}`, retries: job.retries, retryBackOff: 5000 });
    const jobKey = `zeebe:${job.key}`;
    try {
      const variables = await this.tx.run(async (m) => {
        const done = await m.findOneBy(WorkflowAppliedJobEntity, { jobKey });
        if (done) return ((done.result ?? {}) as { variables?: Record<string, unknown> }).variables ?? {};
        const out = await handler({
          jobKey,
          processInstanceId: String(job.processInstanceKey),
          processId: job.bpmnProcessId,
          businessKey: typeof job.variables.businessKey === 'string' ? job.variables.businessKey : null,
          ...boundOfJob(job.variables),
          elementId: job.elementId,
          taskType: job.type,
          retries: job.retries,
          variables: { ...job.variables },
          headers: Object.fromEntries(Object.entries(job.customHeaders ?? {}).map(([k, v]) => [k, String(v)])),
          manager: m,
        });
        const vars = (out && out.variables) || {};
        await m.insert(WorkflowAppliedJobEntity, {
          jobKey,
          instanceId: String(job.processInstanceKey).slice(0, 100),
          appliedAt: this.clock.now(),
          result: { variables: vars },
        });
        return vars;
      });
      return job.complete(variables);
    } catch (e) {
      if (e instanceof BpmnError)
        return job.error({ errorCode: e.errorCode, errorMessage: e.message, variables: e.variables });
      if (isUniqueViolation(e)) return this.handleJob(job); // applied concurrently: complete with its result
      // a refused object will not change on a retry: an incident now (Operate shows it)
      const retries = e instanceof ObjectRefused ? 0 : Math.max(0, job.retries - 1);
      this.logger.warn(`job ${job.key} (${job.type}) failed, ${retries} retries left: ${(e as Error).message}`);
      return job.fail({ errorMessage: (e as Error).message, retries, retryBackOff: backoffMs(3 - retries) });
    }
  }

  /** A user task job stays activated (forwarded) until completeUserTask completes it. */
  async handleUserTaskJob(job: ZeebeJobLike): Promise<unknown> {
    const task = userTaskFromJob(job, this.clock.now());
    await this.tx.run(async (m) => {
      for (const l of this.listeners) await l.created(task, m);
    });
    return job.forward();
  }
}
