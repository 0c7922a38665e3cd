export { WorkflowModule } from './workflow.module.js';
export {
  WorkflowEngine,
  BpmnError,
  ObjectRefused,
  type DeployResult,
  type ValidationProblem,
  type StartOptions,
  type BoundObject,
  type WorkerOptions,
  type JobContext,
  type JobResult,
  type JobHandler,
  type UserTaskInfo,
  type UserTaskListener,
  type InstanceSummary,
} from './engine/workflow-engine.port.js';
/** Tests drive timers and retries deterministically with `runDue()` after moving a ManualClock. */
export { EngineScheduler } from './engine/embedded/engine-scheduler.js';
export { EngineRef } from './engine-ref.js';
export { boundId, assertOwnAgency } from './bound-object.js';
export { WorkflowScope, type ObjectAgencyResolver } from './workflow-scope.js';
export { SERVER_OWNED_VARIABLES } from './deploy-policy.js';
