import type { FieldType, FormDefinition, FormFieldDefinition } from './task-form.js';

/**
 * Task forms are Camunda Forms (the form-js JSON schema, what Camunda Modeler and Camunda 8.8 deploy): a user
 * task links one with `zeebe:formDefinition formId`. hoso reads the schema, keeps it for the web app, and flattens
 * its input components into the field list it validates completions against.
 *
 * hoso's own field kinds are form-js custom component types: `hoso-user`, `hoso-users`, `hoso-unit`,
 * `hoso-dossier`, `hoso-file`, `hoso-pin`. Labels are Vietnamese (the app's language); the English label of a
 * component is its custom property `hoso:en`, of an option `hoso:en:<value>`, and the form's title is its first
 * `text` component (`# Title`, English in `hoso:en`).
 */
export interface CamundaForm {
  id: string;
  type?: string;
  schemaVersion?: number;
  executionPlatform?: string;
  executionPlatformVersion?: string;
  components: CamundaComponent[];
  [k: string]: unknown;
}

export interface CamundaComponent {
  type: string;
  id?: string;
  key?: string;
  label?: string;
  dateLabel?: string;
  text?: string;
  subtype?: string;
  values?: { label: string; value: string }[];
  validate?: {
    required?: boolean;
    minLength?: number;
    maxLength?: number;
    min?: number;
    max?: number;
    pattern?: string;
  };
  conditional?: { hide?: string };
  properties?: Record<string, string>;
  components?: CamundaComponent[];
  [k: string]: unknown;
}

/** form-js component type → hoso field type (input components only; layout types are skipped). */
const INPUT_TYPES: Record<string, FieldType> = {
  textfield: 'text',
  textarea: 'textarea',
  number: 'number',
  datetime: 'date',
  checkbox: 'boolean',
  select: 'select',
  radio: 'select',
  'hoso-user': 'user',
  'hoso-users': 'users',
  'hoso-unit': 'unit',
  'hoso-dossier': 'dossier',
  'hoso-file': 'file',
  'hoso-pin': 'pin',
};
/** Components that hold others (their children's keys are top-level variables, as in form-js without a path). */
const CONTAINERS = new Set(['group', 'dynamiclist']);
/** Components that show something and submit nothing. */
const DISPLAY = new Set([
  'text',
  'html',
  'spacer',
  'separator',
  'image',
  'button',
  'iframe',
  'table',
  'documentPreview',
]);

export const HOSO_COMPONENT_TYPES = Object.keys(INPUT_TYPES).filter((t) => t.startsWith('hoso-'));

const EN = 'hoso:en';

function flatten(components: CamundaComponent[], into: CamundaComponent[], problems: string[], at: string): void {
  components.forEach((c, i) => {
    const where = `${at}[${i}]`;
    if (!c || typeof c !== 'object' || typeof c.type !== 'string') return void problems.push(`${where}: type required`);
    if (CONTAINERS.has(c.type)) {
      if (c.type === 'dynamiclist') problems.push(`${where}: dynamic lists are not supported in task forms`);
      else flatten(c.components ?? [], into, problems, `${where}.components`);
    } else if (INPUT_TYPES[c.type]) into.push(c);
    else if (!DISPLAY.has(c.type)) problems.push(`${where}.type: "${c.type}" is not a supported component`);
  });
}

/** A Camunda form → hoso's form definition (with the schema kept), or the problems that make it unusable. */
export function fromCamundaForm(schema: unknown): { form?: FormDefinition; problems: string[] } {
  const problems: string[] = [];
  const s = schema as CamundaForm;
  if (!s || typeof s !== 'object' || Array.isArray(s)) return { problems: ['not a JSON object'] };
  if (!Array.isArray(s.components)) return { problems: ['components: array required'] };
  const inputs: CamundaComponent[] = [];
  flatten(s.components, inputs, problems, 'components');
  const title = s.components.find((c) => c?.type === 'text' && typeof c.text === 'string');
  const titleVi = title ? title.text!.replace(/^#+\s*/, '').trim() : String(s.id ?? '');
  const fields: FormFieldDefinition[] = inputs.map((c) => {
    const vi = c.label ?? c.dateLabel ?? c.key ?? '';
    const en = c.properties?.[EN] ?? vi;
    const type = INPUT_TYPES[c.type];
    const v = c.validate ?? {};
    const field: FormFieldDefinition = {
      key: c.key as string,
      label: { vi, en },
      type,
      required: v.required === true,
      ...(Array.isArray(c.values)
        ? {
            options: c.values.map((o) => ({
              value: o?.value,
              label: { vi: o?.label, en: c.properties?.[`${EN}:${o?.value}`] ?? o?.label },
            })),
          }
        : {}),
      ...(typeof v.minLength === 'number' ? { minLength: v.minLength } : {}),
      ...(typeof v.maxLength === 'number' ? { maxLength: v.maxLength } : {}),
      ...(typeof v.min === 'number' ? { min: v.min } : {}),
      ...(typeof v.max === 'number' ? { max: v.max } : {}),
      ...(typeof v.pattern === 'string' && v.pattern ? { pattern: v.pattern } : {}),
      ...(typeof c.conditional?.hide === 'string' && c.conditional.hide ? { hideIf: c.conditional.hide } : {}),
    };
    if (type === 'select' && !Array.isArray(c.values))
      problems.push(`${c.key}: options must be static values (valuesKey / valuesExpression are not supported)`);
    if (field.pattern) {
      try {
        new RegExp(field.pattern, 'u');
      } catch {
        problems.push(`${c.key}.validate.pattern: not a regular expression`);
      }
    }
    return field;
  });
  return {
    form: {
      id: s.id,
      title: { vi: titleVi, en: title?.properties?.[EN] ?? titleVi },
      fields,
      schema: s,
    },
    problems,
  };
}
