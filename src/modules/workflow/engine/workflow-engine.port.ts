import type { EntityManager } from 'typeorm';

/**
 * The only contract the rest of hoso sees of a workflow engine. Two adapters implement it:
 * embedded (bpmn-engine, state in our database) and zeebe (@camunda8/sdk). Domain modules register workers
 * by task type (`<module>.<verb>`) and listen to user tasks; they never import an adapter.
 */

export interface DeployResult {
  processId: string;
  version: number;
  checksum: string;
  /** false when the same content was already the latest version (nothing new deployed). */
  changed: boolean;
}

export interface ValidationProblem {
  message: string;
  elementId?: string;
  rule?: string;
}

/** The business object a domain endpoint binds to an instance at start: its workers act on it alone. */
export interface BoundObject {
  type: 'document' | 'dossier';
  id: string;
}

export interface StartOptions {
  processId: string;
  version?: number;
  businessKey?: string;
  variables?: Record<string, unknown>;
  startedBy?: string | null;
  /**
   * The agency the instance runs for, decided by the server (the document's or dossier's agency, the caller's for
   * a generic instance). It picks the definition (the nearest variant up the agency tree) and is written over
   * `variables.agencyId`. Omitted: `variables.agencyId` (trusted callers only: tests, benchmarks).
   */
  agencyId?: string | null;
  /** Bound by domain endpoints only; a generic instance has none. */
  object?: BoundObject | null;
}

/** A task type as declared next to its worker (the task-type catalogue). */
export interface WorkerOptions {
  /**
   * The process ids this domain task type serves (`documents.issue` → outgoing-document). A definition of any other
   * process id that calls it is refused at deploy. Omitted: a generic task type any process may use.
   */
  processes?: readonly string[];
}

/** What a worker gets for one job. `manager` is the transaction that also records the job as applied. */
export interface JobContext {
  /** Unique per job attempt chain: the same key is delivered again on a replay (at-least-once). */
  jobKey: string;
  processInstanceId: string;
  processId: string;
  businessKey: string | null;
  /** The instance's agency and bound object, from the instance row (never from variables). */
  agencyId?: string | null;
  object?: BoundObject | null;
  elementId: string;
  taskType: string;
  retries: number;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
  manager: EntityManager;
}

/** A worker returns output variables (merged into the process), or throws BpmnError / any Error (retry → incident). */
export type JobResult = { variables?: Record<string, unknown> } | void;
export type JobHandler = (job: JobContext) => Promise<JobResult>;

/** Thrown by a worker to raise a BPMN error caught by an error boundary event (Zeebe semantics). */
export class BpmnError extends Error {
  constructor(
    public readonly errorCode: string,
    message?: string,
    public readonly variables: Record<string, unknown> = {},
  ) {
    super(message ?? errorCode);
  }
}

/**
 * Thrown by a domain worker that may not act: its instance has no bound object of its kind (a generic instance),
 * or the object belongs to another agency than the instance. The job becomes an incident at once (no retries),
 * the refusal is audited, and the worker's transaction savepoint leaves nothing changed.
 */
export class ObjectRefused extends Error {
  constructor(
    message: string,
    public readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface UserTaskInfo {
  /** Engine key of the user task (unique). */
  key: string;
  processInstanceId: string;
  processId: string;
  processVersion: number;
  businessKey: string | null;
  /** The instance's agency (from its row, not its variables): the task belongs to it. */
  agencyId?: string | null;
  elementId: string;
  name: string;
  /** User id (zeebe:assignmentDefinition assignee, evaluated). */
  assignee: string | null;
  /** Groups are `<role>` (in the instance's agency) or `<role>@<unitId>` (evaluated candidateGroups). */
  candidateGroups: string[];
  /** User ids (evaluated candidateUsers). */
  candidateUsers: string[];
  dueAt: Date | null;
  /**
   * The evaluated zeebe:taskSchedule dueDate as written (an ISO duration "P3D", a date "2026-12-01" or a
   * timestamp), when it is a string. The tasks module prefers it: durations count working days. Optional.
   */
  dueDate?: string;
  followUpAt: Date | null;
  /** zeebe:formDefinition formId (or formKey) — resolved by the tasks module to a form. */
  formId: string | null;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
  createdAt: Date;
}

/** The tasks module implements this; the engine calls it inside the transaction that saves the engine state. */
export interface UserTaskListener {
  created(task: UserTaskInfo, manager: EntityManager): Promise<void>;
  /** The task left its wait state without being completed through completeUserTask (boundary timer, cancel…). */
  cancelled(
    key: string,
    reason: 'interrupted' | 'instance-cancelled' | 'instance-ended',
    manager: EntityManager,
  ): Promise<void>;
  /** A non-interrupting timer on the task fired (reminder / overdue marking). */
  timerFired?(key: string, timerElementId: string, manager: EntityManager): Promise<void>;
}

export interface InstanceSummary {
  id: string;
  processId: string;
  version: number;
  businessKey: string | null;
  state: 'active' | 'completed' | 'cancelled' | 'incident';
  startedAt: Date;
  endedAt: Date | null;
}

export abstract class WorkflowEngine {
  abstract readonly kind: 'embedded' | 'zeebe';

  /** Validates then deploys; throws a 400 DomainError with `errors: ValidationProblem[]` when invalid. */
  abstract deploy(
    xml: string,
    opts?: { deployedBy?: string | null; source?: 'startup' | 'api'; agencyId?: string | null },
  ): Promise<DeployResult>;

  /** Validation only (used by the editor's "check" button and by deploy). */
  abstract validate(xml: string): Promise<ValidationProblem[]>;

  abstract start(options: StartOptions): Promise<{ id: string }>;

  abstract publishMessage(name: string, correlationKey: string, variables?: Record<string, unknown>): Promise<void>;

  /** Completes a waiting user task; may be called inside the caller's transaction. */
  abstract completeUserTask(
    key: string,
    variables: Record<string, unknown>,
    opts?: { by?: string | null },
  ): Promise<void>;

  /**
   * A hint before completeUserTask, outside any transaction: load what completing the task will need (the
   * embedded engine rebuilds the instance's engine), so the completing transaction is short. No effect on state.
   */
  prepareUserTask(_key: string): Promise<void> {
    return Promise.resolve();
  }

  abstract cancel(instanceId: string, by?: string | null): Promise<void>;

  abstract registerWorker(taskType: string, handler: JobHandler, options?: WorkerOptions): void;

  /** Task type → the process ids it serves (null: generic), as declared by registerWorker. */
  readonly catalogue = new Map<string, readonly string[] | null>();

  protected declareTaskType(taskType: string, options?: WorkerOptions): void {
    this.catalogue.set(taskType, options?.processes ? [...options.processes] : null);
  }

  abstract onUserTask(listener: UserTaskListener): void;

  /** Resolves when no instance has pending work (tests and benchmarks wait on it). */
  abstract idle(timeoutMs?: number): Promise<void>;
}
