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
  /**
   * What this hook's preparation returned, when it ran (not when the completion joins a caller's transaction).
   * The hook must check that what it was prepared from is unchanged, and otherwise do the work itself.
   */
  prepared?: unknown;
}

/**
 * Returns the variables to pass to the engine (drop what must not be kept). Throw a DomainError to refuse:
 * the task stays open and nothing is written.
 */
export type TaskCompletionHook = (ctx: TaskCompletionContext) => Promise<Record<string, unknown>>;

/**
 * Work a hook can do before the completion transaction, on the same checked task and validated variables:
 * expensive, writes nothing (reads through `manager`, outside any transaction). The completion transaction holds
 * the write lock (SQLite: the whole database's) — a signature made inside it held every other writer ~150 ms.
 * Throw a DomainError to refuse the completion, as a hook would.
 */
export type TaskCompletionPreparer = (ctx: Omit<TaskCompletionContext, 'prepared'>) => Promise<unknown>;

/** Per-form completion hooks (e.g. the signing step signs with the `pin` field before the flow moves on). */
@Injectable()
export class TaskCompletionHooks {
  private readonly hooks = new Map<string, { hook: TaskCompletionHook; prepare?: TaskCompletionPreparer }[]>();

  register(formId: string, hook: TaskCompletionHook, prepare?: TaskCompletionPreparer): void {
    this.hooks.set(formId, [...(this.hooks.get(formId) ?? []), { hook, prepare }]);
  }

  /** Whether some hook of the form prepares ahead of the completion transaction. */
  prepares(formId: string | null): boolean {
    return (this.hooks.get(formId ?? 'default') ?? []).some((h) => h.prepare);
  }

  /** Runs the form's preparations in registration order: one result per hook (undefined where none). */
  async prepare(formId: string | null, ctx: Omit<TaskCompletionContext, 'prepared'>): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const h of this.hooks.get(formId ?? 'default') ?? []) out.push(await h.prepare?.(ctx));
    return out;
  }

  /**
   * Runs the hooks of the form in registration order, each getting the previous one's output (and its own
   * preparation's result, from `prepare`).
   */
  async run(
    formId: string | null,
    ctx: Omit<TaskCompletionContext, 'prepared'>,
    prepared: unknown[] = [],
  ): Promise<Record<string, unknown>> {
    let variables = ctx.variables;
    for (const [i, h] of (this.hooks.get(formId ?? 'default') ?? []).entries())
      variables = await h.hook({ ...ctx, variables, prepared: prepared[i] });
    return variables;
  }
}
