import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/index.js';
import type { TaskView } from './task.mapper.js';

export interface TaskCompletionContext {
  task: TaskView & { agencyId: string | null; formId: string | null; engineKey: string };
  /** The validated variables, including `pin` fields (which are never stored). */
  variables: Record<string, unknown>;
  user: AuthUser;
  /** The completion transaction: write through it so the domain change commits with the completion. */
  manager: EntityManager;
}

/**
 * Returns the variables to pass to the engine (drop what must not be kept). Throw a DomainError to refuse:
 * the task stays open and nothing is written.
 */
export type TaskCompletionHook = (ctx: TaskCompletionContext) => Promise<Record<string, unknown>>;

/** Per-form completion hooks (e.g. the signing step signs with the `pin` field before the flow moves on). */
@Injectable()
export class TaskCompletionHooks {
  private readonly hooks = new Map<string, TaskCompletionHook[]>();

  register(formId: string, hook: TaskCompletionHook): void {
    this.hooks.set(formId, [...(this.hooks.get(formId) ?? []), hook]);
  }

  /** Runs the hooks of the form in registration order, each getting the previous one's output. */
  async run(formId: string | null, ctx: TaskCompletionContext): Promise<Record<string, unknown>> {
    let variables = ctx.variables;
    for (const hook of this.hooks.get(formId ?? 'default') ?? []) variables = await hook({ ...ctx, variables });
    return variables;
  }
}
