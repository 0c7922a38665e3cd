import { join } from 'node:path';

/** processes/ of the installation, resolved from the compiled file (dist/src/common). */
export function processesDir(): string {
  return join(__dirname, '..', '..', '..', 'processes');
}

/** processes/forms/: the Camunda Forms files user tasks link by `zeebe:formDefinition formId`. */
export function formsDir(): string {
  return join(processesDir(), 'forms');
}

const FORM_ID = /^[A-Za-z0-9_.-]{1,100}$/;

/** The file of a form id, or null for an id that cannot name a file here. */
export function formFile(formId: string, dir = formsDir()): string | null {
  return FORM_ID.test(formId) ? join(dir, `${formId}.form`) : null;
}
