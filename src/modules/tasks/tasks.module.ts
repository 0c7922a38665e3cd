import { Global, Module } from '@nestjs/common';
import { EngineRef } from '../workflow/index.js';
import { TaskAccess } from './task-access.js';
import { TaskBoardService } from './task-board.service.js';
import { TaskCollaborationService } from './task-collaboration.service.js';
import { TaskCompletionHooks } from './task-completion-hooks.js';
import { TaskDeadlineScheduler } from './task-deadlines.service.js';
import { TaskFieldChecks } from './task-field-checks.js';
import { FormRegistry } from './task-form.js';
import { TaskListenerService } from './task-listener.service.js';
import { TaskNotifier } from './task-notifier.js';
import { TasksController } from './tasks.controller.js';
import { TasksService } from './tasks.service.js';

/**
 * The task inbox. Global so domain modules can inject TaskCompletionHooks / TaskFieldChecks / FormRegistry / TasksService
 * without importing this module (it listens to the engine, which they also use).
 */
@Global()
@Module({
  controllers: [TasksController],
  providers: [
    EngineRef,
    TaskAccess,
    FormRegistry,
    TaskCompletionHooks,
    TaskFieldChecks,
    TaskNotifier,
    TaskListenerService,
    TasksService,
    TaskCollaborationService,
    TaskBoardService,
    TaskDeadlineScheduler,
  ],
  exports: [
    TaskCompletionHooks,
    TaskFieldChecks,
    FormRegistry,
    TasksService,
    TaskDeadlineScheduler,
    TaskListenerService,
  ],
})
export class TasksModule {}
