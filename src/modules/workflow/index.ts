export { WorkflowModule } from './workflow.module.js';
export {
  WorkflowEngine,
  BpmnError,
  type DeployResult,
  type ValidationProblem,
  type StartOptions,
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
