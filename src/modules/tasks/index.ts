export { TasksModule } from './tasks.module.js';
export { TasksService, type TaskScope } from './tasks.service.js';
export {
  TaskCompletionHooks,
  type TaskCompletionContext,
  type TaskCompletionHook,
  type TaskCompletionPreparer,
} from './task-completion-hooks.js';
export { TaskFieldChecks, type TaskFieldCheck, type TaskFieldCheckContext } from './task-field-checks.js';
export {
  FormRegistry,
  DEFAULT_FORM,
  FIELD_TYPES,
  checkFormDefinition,
  localizeForm,
  type FieldType,
  type FormDefinition,
  type FormFieldDefinition,
} from './task-form.js';
export { TaskDeadlineScheduler } from './task-deadlines.service.js';
export { TaskListenerService, parseGroup } from './task-listener.service.js';
export { resolveDueDate } from './task-due-dates.js';
export type { TaskView } from './task.mapper.js';
