import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/clock.js';
import { TransactionService } from '../../database/transaction.service.js';
import { ZeebeWorkflowEngine } from './engine/zeebe/zeebe-engine.js';
import { DefinitionStore } from './engine/embedded/definition-store.js';
import { EmbeddedWorkflowEngine } from './engine/embedded/embedded-engine.js';
import { EngineScheduler } from './engine/embedded/engine-scheduler.js';
import { JobRunner } from './engine/embedded/job-runner.js';
import { RunPersister } from './engine/embedded/run-persister.js';
import { WorkflowEngine } from './engine/workflow-engine.port.js';
import { WorkflowStartupService } from './workflow-startup.service.js';
import { WorkflowController } from './workflow.controller.js';
import { WorkflowDefinitionsService } from './workflow-definitions.service.js';
import { WorkflowScope } from './workflow-scope.js';
import { WorkflowService } from './workflow.service.js';

/**
 * The workflow engine port, bound to the adapter chosen by WORKFLOW_ENGINE (embedded by default). Global, so
 * every domain module can inject `WorkflowEngine` to register workers, start instances and listen to user tasks.
 */
@Global()
@Module({
  controllers: [WorkflowController],
  providers: [
    WorkflowService,
    WorkflowScope,
    WorkflowDefinitionsService,
    DefinitionStore,
    JobRunner,
    RunPersister,
    EmbeddedWorkflowEngine,
    EngineScheduler,
    WorkflowStartupService,
    {
      provide: WorkflowEngine,
      inject: [APP_CONFIG, EmbeddedWorkflowEngine, TransactionService, DefinitionStore, Clock],
      useFactory: (
        config: AppConfig,
        embedded: EmbeddedWorkflowEngine,
        tx: TransactionService,
        definitions: DefinitionStore,
        clock: Clock,
      ): WorkflowEngine =>
        config.workflowEngine === 'zeebe' ? new ZeebeWorkflowEngine(tx, definitions, clock) : embedded,
    },
  ],
  exports: [WorkflowEngine, EngineScheduler, EmbeddedWorkflowEngine, WorkflowScope],
})
export class WorkflowModule {}
