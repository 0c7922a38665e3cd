import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { formsDir } from '../../common/process-files.js';
import { fromCamundaForm, type CamundaForm } from './camunda-form.js';

export const FIELD_TYPES = [
  'text',
  'textarea',
  'number',
  'date',
  'boolean',
  'select',
  'user',
  'users',
  'unit',
  'dossier',
  'file',
  'pin',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface Localized {
  vi: string;
  en: string;
}

export interface FormFieldDefinition {
  key: string;
  label: Localized;
  type: FieldType;
  required?: boolean;
  options?: { value: string; label: Localized }[];
  /** Camunda Forms `validate` bounds: string length, number range, a pattern the whole value matches. */
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  pattern?: string;
  /** Camunda Forms `conditional.hide` (FEEL on the form's data): a hidden field is ignored at completion. */
  hideIf?: string;
}

export interface FormDefinition {
  id: string;
  title: Localized;
  fields: FormFieldDefinition[];
  /** The Camunda Forms schema the definition was read from (rendered by the web app). */
  schema?: CamundaForm;
}

/** A user task without a formId gets this form: an optional comment. */
export const DEFAULT_FORM: FormDefinition = {
  id: 'default',
  title: { vi: 'Hoàn thành công việc', en: 'Complete the task' },
  fields: [{ key: 'comment', label: { vi: 'Ý kiến', en: 'Comment' }, type: 'textarea', required: false }],
};

/** Keys bpmn-elements puts on the variables object itself (stack-notes trap 7): never usable as field keys. */
const RESERVED_KEYS = new Set(['fields', 'content', 'properties']);

/** Returns the problems of a parsed form file (empty when valid). */
export function checkFormDefinition(form: unknown, expectedId?: string): string[] {
  const problems: string[] = [];
  const f = form as Partial<FormDefinition>;
  const isLocalized = (l: unknown) =>
    !!l && typeof (l as Localized).vi === 'string' && typeof (l as Localized).en === 'string';
  if (!f || typeof f !== 'object') return ['not a JSON object'];
  if (typeof f.id !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(f.id)) problems.push('id: letters, digits, _ . -');
  else if (expectedId && f.id !== expectedId) problems.push(`id "${f.id}" differs from the file name "${expectedId}"`);
  if (!isLocalized(f.title)) problems.push('title: { vi, en } required');
  if (!Array.isArray(f.fields)) return [...problems, 'fields: array required'];
  const seen = new Set<string>();
  f.fields.forEach((field, i) => {
    const at = `fields[${i}]`;
    if (typeof field?.key !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(field.key))
      problems.push(`${at}.key: an identifier`);
    else if (RESERVED_KEYS.has(field.key)) problems.push(`${at}.key: "${field.key}" is reserved`);
    else if (seen.has(field.key)) problems.push(`${at}.key: "${field.key}" repeated`);
    else seen.add(field.key);
    if (!isLocalized(field?.label)) problems.push(`${at}.label: { vi, en } required`);
    if (!FIELD_TYPES.includes(field?.type)) problems.push(`${at}.type: one of ${FIELD_TYPES.join(', ')}`);
    if (field?.required !== undefined && typeof field.required !== 'boolean') problems.push(`${at}.required: boolean`);
    if (field?.type === 'select') {
      if (!Array.isArray(field.options) || !field.options.length) problems.push(`${at}.options: required for select`);
      else
        field.options.forEach((o, j) => {
          if (typeof o?.value !== 'string' || !isLocalized(o?.label))
            problems.push(`${at}.options[${j}]: { value, label: { vi, en } }`);
        });
    } else if (field?.options !== undefined) problems.push(`${at}.options: only for select`);
  });
  return problems;
}

/** Reads and checks a Camunda Forms file: hoso's definition, or an error naming every problem. */
export function readFormFile(file: string, expectedId?: string): FormDefinition {
  const { form, problems } = fromCamundaForm(JSON.parse(readFileSync(file, 'utf8')));
  const all = [...problems, ...(form ? checkFormDefinition(form, expectedId) : [])];
  if (all.length || !form) throw new Error(`${file}: ${all.join('; ')}`);
  return form;
}

/**
 * Form definitions read from processes/forms/<formId>.form — Camunda Forms (format in processes/forms/README.md).
 * Files are re-read when they change on disk, so a new form can ship with a new process version.
 */
@Injectable()
export class FormRegistry {
  private readonly logger = new Logger('Forms');
  private readonly cache = new Map<string, { mtimeMs: number; form: FormDefinition }>();
  private readonly extra = new Map<string, FormDefinition>();
  dir = formsDir();

  /** Forms provided by code (tests, modules) instead of a file. */
  register(form: FormDefinition): void {
    const problems = checkFormDefinition(form);
    if (problems.length) throw new Error(`form ${form.id}: ${problems.join('; ')}`);
    this.extra.set(form.id, form);
  }

  /** The form of a task; unknown ids fall back to the default form (logged: a deployment mistake). */
  get(formId: string | null | undefined): FormDefinition {
    if (!formId) return DEFAULT_FORM;
    const found = this.find(formId);
    if (!found) {
      this.logger.warn(`form "${formId}" not found in ${this.dir}; using the default form`);
      return DEFAULT_FORM;
    }
    return found;
  }

  find(formId: string): FormDefinition | null {
    const coded = this.extra.get(formId);
    if (coded) return coded;
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(formId)) return null;
    const file = join(this.dir, `${formId}.form`);
    if (!existsSync(file)) return null;
    const { mtimeMs } = statSync(file);
    const cached = this.cache.get(formId);
    if (cached && cached.mtimeMs === mtimeMs) return cached.form;
    const form = readFormFile(file, formId);
    this.cache.set(formId, { mtimeMs, form });
    return form;
  }

  /** Every form file with its problems (a test checks all shipped forms). */
  checkAll(): { file: string; problems: string[] }[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.form'))
      .map((file) => {
        try {
          readFormFile(join(this.dir, file), file.slice(0, -'.form'.length));
          return { file, problems: [] };
        } catch (e) {
          return { file, problems: [(e as Error).message] };
        }
      });
  }
}

/**
 * The form as the API returns it: the flattened field list with labels in the caller's language, and the Camunda
 * Forms schema itself (`schema`) for a form renderer.
 */
export function localizeForm(form: FormDefinition, lang: 'vi' | 'en') {
  return {
    id: form.id,
    title: form.title[lang],
    fields: form.fields.map((f) => ({
      key: f.key,
      label: f.label[lang],
      type: f.type,
      required: f.required === true,
      ...(f.options ? { options: f.options.map((o) => ({ value: o.value, label: o.label[lang] })) } : {}),
      ...(f.minLength !== undefined ? { minLength: f.minLength } : {}),
      ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
      ...(f.min !== undefined ? { min: f.min } : {}),
      ...(f.max !== undefined ? { max: f.max } : {}),
      ...(f.pattern !== undefined ? { pattern: f.pattern } : {}),
      ...(f.hideIf !== undefined ? { hideIf: f.hideIf } : {}),
    })),
    ...(form.schema ? { schema: form.schema } : {}),
  };
}
