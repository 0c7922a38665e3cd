import { evaluate } from 'feelin';
import { In, type EntityManager } from 'typeorm';
import { badRequest } from '../../common/domain-error.js';
import { UnitEntity, UserEntity } from '../organizations/index.js';
import type { AuthUser } from '../auth/index.js';
import type { TaskFieldChecks } from './task-field-checks.js';
import type { FormDefinition, FormFieldDefinition } from './task-form.js';
import { TaskAttachmentEntity } from './task-records.entity.js';

export interface SubmissionContext {
  agencyId: string | null;
  taskId: string;
  businessKey: string | null;
  user: AuthUser;
  manager: EntityManager;
  /** The owning modules' checks of field types naming their objects (`dossier`). */
  checks: TaskFieldChecks;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

const invalid = (field: string, expected: string) =>
  badRequest('TASK_FIELD_INVALID', { field, expected }, { field, expected });

const isEmpty = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && !v.length);

/**
 * Checks submitted variables against the task's form: unknown keys, required fields, types, allowed options,
 * that users/units belong to the task's agency, files are attachments of this task and other modules' objects
 * (a dossier) pass their module's check (TaskFieldChecks). Returns the
 * normalised variables (a `file` becomes `{ id, sha256, fileName, mimeType, size }`). 400 names the field.
 */
export async function validateSubmission(
  form: FormDefinition,
  input: Record<string, unknown>,
  ctx: SubmissionContext,
): Promise<Record<string, unknown>> {
  const byKey = new Map(form.fields.map((f) => [f.key, f]));
  for (const key of Object.keys(input))
    if (!byKey.has(key)) throw badRequest('TASK_FIELD_UNKNOWN', { field: key }, { field: key });
  const out: Record<string, unknown> = {};
  for (const field of form.fields) {
    // a field its form hides (conditional.hide) is neither required nor kept, as the form renderer does
    if (field.hideIf && isHidden(field.hideIf, input)) continue;
    const value = input[field.key];
    if (isEmpty(value)) {
      if (field.required) throw badRequest('TASK_FIELD_REQUIRED', { field: field.key }, { field: field.key });
      continue;
    }
    out[field.key] = checkBounds(field, await checkField(field, value, ctx));
  }
  return out;
}

/** Camunda Forms' `conditional.hide`: FEEL over the submitted data; an expression that fails hides nothing. */
function isHidden(expr: string, data: Record<string, unknown>): boolean {
  const src = expr.trimStart().startsWith('=') ? expr.trimStart().slice(1) : expr;
  if (src.length > 2000) return false;
  try {
    return evaluate(src, data).value === true;
  } catch {
    return false;
  }
}

/** The schema's `validate` bounds: minLength / maxLength / pattern on text, min / max on numbers. */
function checkBounds(field: FormFieldDefinition, value: unknown): unknown {
  const k = field.key;
  if (typeof value === 'string' && (field.type === 'text' || field.type === 'textarea')) {
    if (field.minLength !== undefined && value.length < field.minLength)
      throw invalid(k, `text of at least ${field.minLength} characters`);
    if (field.maxLength !== undefined && value.length > field.maxLength)
      throw invalid(k, `text of at most ${field.maxLength} characters`);
    // form-js matches the whole value against the pattern
    if (field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`, 'u').test(value))
      throw invalid(k, `text matching ${field.pattern}`);
  }
  if (typeof value === 'number') {
    if (field.min !== undefined && value < field.min) throw invalid(k, `number ≥ ${field.min}`);
    if (field.max !== undefined && value > field.max) throw invalid(k, `number ≤ ${field.max}`);
  }
  return value;
}

async function checkField(field: FormFieldDefinition, value: unknown, ctx: SubmissionContext): Promise<unknown> {
  const k = field.key;
  switch (field.type) {
    case 'text':
    case 'textarea': {
      const max = field.type === 'text' ? 1000 : 20000;
      if (typeof value !== 'string' || value.length > max) throw invalid(k, `text (≤ ${max})`);
      return value.normalize('NFC');
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(k, 'number');
      return value;
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value)))
        throw invalid(k, 'date (yyyy-MM-dd)');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(k, 'boolean');
      return value;
    case 'select': {
      const allowed = (field.options ?? []).map((o) => o.value);
      if (typeof value !== 'string' || !allowed.includes(value))
        throw badRequest('TASK_OPTION_INVALID', { field: k, allowed: allowed.join(', ') }, { field: k, allowed });
      return value;
    }
    case 'user':
      await checkUsers(k, [value], ctx);
      return value;
    case 'users': {
      if (!Array.isArray(value) || value.length > 200) throw invalid(k, 'list of user ids');
      const unique = [...new Set(value)];
      await checkUsers(k, unique, ctx);
      return unique;
    }
    case 'unit': {
      if (typeof value !== 'string' || !UUID.test(value)) throw invalid(k, 'unit id');
      const unit = await ctx.manager.findOne(UnitEntity, { where: { id: value } });
      if (!unit || (ctx.agencyId && unit.agencyId !== ctx.agencyId)) throw invalid(k, 'unit of this agency');
      return value;
    }
    case 'dossier':
      if (typeof value !== 'string' || !UUID.test(value)) throw invalid(k, 'dossier id');
      // the dossiers module's rules: one the user sees, open, secret enough for the task's document
      await ctx.checks.check('dossier', value, ctx);
      return value;
    case 'file': {
      if (typeof value !== 'string' || !UUID.test(value)) throw invalid(k, 'attachment id of this task');
      const a = await ctx.manager.findOne(TaskAttachmentEntity, { where: { id: value, taskId: ctx.taskId } });
      if (!a) throw invalid(k, 'attachment id of this task');
      return { id: a.id, sha256: a.sha256, fileName: a.fileName, mimeType: a.mimeType, size: a.size };
    }
    case 'pin':
      if (typeof value !== 'string' || value.length > 64) throw invalid(k, 'PIN');
      return value;
  }
}

async function checkUsers(field: string, ids: unknown[], ctx: SubmissionContext): Promise<void> {
  if (!ids.every((id) => typeof id === 'string' && UUID.test(id))) throw invalid(field, 'user id');
  const users = await ctx.manager.find(UserEntity, { where: { id: In(ids as string[]) } });
  const ok = users.filter((u) => u.active && (!ctx.agencyId || u.agencyId === ctx.agencyId));
  if (ok.length !== ids.length) throw invalid(field, 'active user of this agency');
}

/** Keys of `pin` fields: removed from everything stored or passed on (signing PINs are never kept). */
export const pinKeys = (form: FormDefinition): string[] =>
  form.fields.filter((f) => f.type === 'pin').map((f) => f.key);
