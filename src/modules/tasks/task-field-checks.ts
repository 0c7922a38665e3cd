import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/index.js';
import type { FieldType } from './task-form.js';

/** What a field check knows of the completion it checks. */
export interface TaskFieldCheckContext {
  user: AuthUser;
  /** The task's business key (for a document's flow: the document's id). */
  businessKey: string | null;
  agencyId: string | null;
  manager: EntityManager;
}

/** Throws a DomainError (4xx) for a value the completing user may not give; the task stays open. */
export type TaskFieldCheck = (value: string, ctx: TaskFieldCheckContext) => Promise<void>;

/**
 * Checks of field types whose values are another module's objects (a `dossier` field names a dossier): the
 * owning module registers one, and a completion naming an object the user may not choose is refused then,
 * instead of being skipped later by the worker that uses it. The tasks module knows only the id's shape.
 */
@Injectable()
export class TaskFieldChecks {
  private readonly checks = new Map<FieldType, TaskFieldCheck>();

  register(type: FieldType, check: TaskFieldCheck): void {
    this.checks.set(type, check);
  }

  async check(type: FieldType, value: string, ctx: TaskFieldCheckContext): Promise<void> {
    await this.checks.get(type)?.(value, ctx);
  }
}
