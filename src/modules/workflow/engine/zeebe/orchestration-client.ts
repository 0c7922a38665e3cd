/**
 * The part of Camunda 8.8's Orchestration Cluster REST API client (@camunda8/sdk → @camunda8/orchestration-cluster-api,
 * generated from Camunda's published OpenAPI description of /v2) that the Zeebe adapter uses. Declared here so the
 * adapter depends on a narrow surface: every call is one /v2 endpoint.
 */
export interface ActivatedJob {
  jobKey: string;
  type: string;
  processInstanceKey: string;
  processDefinitionId: string;
  processDefinitionVersion: number;
  elementId: string;
  retries: number;
  tenantId: string;
  customHeaders: Record<string, unknown>;
  variables: Record<string, unknown>;
  /** BPMN_ELEMENT for a service task; TASK_LISTENER for a user task listener. */
  kind: string;
  /** CREATING, ASSIGNING, COMPLETING, CANCELING for a task listener; UNSPECIFIED otherwise. */
  listenerEventType: string;
  userTask?: {
    userTaskKey?: string | null;
    assignee?: string | null;
    candidateGroups?: string[];
    candidateUsers?: string[];
    dueDate?: string | null;
    followUpDate?: string | null;
    formKey?: string;
    action?: string;
  };
  complete(variables?: Record<string, unknown>): Promise<unknown>;
  fail(body: { errorMessage: string; retries: number; retryBackOff?: number }): Promise<unknown>;
  error(e: { errorCode: string; errorMessage?: string; variables?: Record<string, unknown> }): Promise<unknown>;
}

export interface JobWorkerHandle {
  stop(): void;
}

export interface OrchestrationClient {
  /** POST /v2/deployments (multipart: every resource of one deployment, and the tenant). */
  createDeployment(input: { resources: File[]; tenantId?: string }): Promise<unknown>;
  /** POST /v2/process-instances */
  createProcessInstance(input: {
    processDefinitionId: string;
    processDefinitionVersion?: number;
    variables?: Record<string, unknown>;
    tenantId?: string;
  }): Promise<{ processInstanceKey: string }>;
  /** POST /v2/messages/publication (timeToLive in ms: the message waits that long for its catch event). */
  publishMessage(input: {
    name: string;
    correlationKey: string;
    timeToLive?: number;
    variables?: Record<string, unknown>;
    tenantId?: string;
  }): Promise<unknown>;
  /** POST /v2/user-tasks/{userTaskKey}/completion */
  completeUserTask(input: {
    userTaskKey: string;
    variables?: Record<string, unknown>;
    action?: string;
  }): Promise<unknown>;
  /** POST /v2/user-tasks/{userTaskKey}/assignment */
  assignUserTask(input: { userTaskKey: string; assignee: string; allowOverride?: boolean }): Promise<unknown>;
  /** POST /v2/process-instances/{processInstanceKey}/cancellation */
  cancelProcessInstance(input: { processInstanceKey: string }): Promise<unknown>;
  /** A polling worker: POST /v2/jobs/activation, then /v2/jobs/{key}/completion | failure | error. */
  createJobWorker(cfg: {
    jobType: string;
    jobHandler: (job: ActivatedJob) => Promise<unknown>;
    maxParallelJobs: number;
    jobTimeoutMs: number;
    pollTimeoutMs?: number;
    workerName?: string;
    autoStart?: boolean;
  }): JobWorkerHandle;
  stopAllWorkers?(): void;
}
