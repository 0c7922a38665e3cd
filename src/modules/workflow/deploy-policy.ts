import type { ValidationProblem } from './engine/workflow-engine.port.js';
import { parseModel, type ElementInfo } from './engine/embedded/model.js';

/**
 * Variables the server owns: it sets them when it starts an instance (the agency, the bound object, who started
 * it) and workers, task listeners and lists trust them. A model that could write them could point a step at
 * another agency's document; so no io mapping or multi-instance variable of a deployed model may target them.
 */
export const SERVER_OWNED_VARIABLES: ReadonlySet<string> = new Set([
  'agencyId',
  'documentId',
  'dossierId',
  'businessKey',
  'initiator',
  'startedBy',
  'objectType',
  'objectId',
]);

/** Prefixes of hoso's domain task types: never generic, whatever a worker declares. */
const DOMAIN_PREFIXES = ['documents.', 'dossiers.'];

/** The process ids that domain task types serve: these start only through their domain endpoints. */
export function domainProcessIds(catalogue: ReadonlyMap<string, readonly string[] | null>): Set<string> {
  const out = new Set<string>();
  for (const processes of catalogue.values()) for (const p of processes ?? []) out.add(p);
  return out;
}

/**
 * What a deployment through the API must respect, on top of the engine's own validation (which reports a
 * malformed model: this returns nothing for one it cannot parse):
 *  - the task-type catalogue: a domain task type only in the process ids it serves, a custom process only
 *    generic types (a worker registered without `processes`);
 *  - no mapping onto server-owned variables;
 *  - no call activity starting a domain process (those start through their domain endpoints only).
 * Each problem names the element.
 */
export async function deployPolicyProblems(
  xml: string,
  catalogue: ReadonlyMap<string, readonly string[] | null>,
): Promise<ValidationProblem[]> {
  let model: Awaited<ReturnType<typeof parseModel>>;
  try {
    model = await parseModel(xml);
  } catch {
    return [];
  }
  const out: ValidationProblem[] = [];
  const domainProcesses = domainProcessIds(catalogue);
  for (const process of model.executable) {
    const processId = String(process.id);
    for (const info of model.elements.values()) {
      if (!belongsTo(info, processId, model.elements)) continue;
      out.push(...taskTypeProblems(info, processId, catalogue));
      out.push(...mappingProblems(info));
      const called = info.calledElement?.processId;
      if (called && domainProcesses.has(called))
        out.push({
          elementId: info.id,
          rule: 'domain-process-call',
          message: `process "${called}" starts only through its domain endpoint, not from a call activity`,
        });
    }
  }
  return out;
}

function belongsTo(info: ElementInfo, processId: string, all: Map<string, ElementInfo>): boolean {
  let scope: string | undefined = info.scopeId;
  for (let i = 0; scope && i < 100; i++) {
    if (scope === processId) return true;
    scope = all.get(scope)?.scopeId;
  }
  return false;
}

function taskTypeProblems(
  info: ElementInfo,
  processId: string,
  catalogue: ReadonlyMap<string, readonly string[] | null>,
): ValidationProblem[] {
  const type = info.taskType;
  if (!type) return [];
  const serves = catalogue.get(type);
  const domain = DOMAIN_PREFIXES.some((p) => type.startsWith(p));
  if (serves ? serves.includes(processId) : !domain) return [];
  const where = serves?.length ? `only in ${serves.join(', ')}` : 'only in hoso’s own flows';
  return [
    {
      elementId: info.id,
      rule: 'task-type-catalogue',
      message: `task type "${type}" may be used ${where}; process "${processId}" may use generic task types only`,
    },
  ];
}

function mappingProblems(info: ElementInfo): ValidationProblem[] {
  const targets = [
    ...info.inputs.map((m) => ({ name: m.target, how: 'input mapping' })),
    ...info.outputs.map((m) => ({ name: m.target, how: 'output mapping' })),
    { name: info.loop?.inputElement, how: 'multi-instance input element' },
    { name: info.loop?.outputCollection, how: 'multi-instance output collection' },
  ];
  const out: ValidationProblem[] = [];
  for (const t of targets) {
    const root = String(t.name ?? '')
      .trim()
      .split('.')[0];
    if (root && SERVER_OWNED_VARIABLES.has(root))
      out.push({
        elementId: info.id,
        rule: 'server-owned-variable',
        message: `${t.how} targets "${t.name}", a variable the server owns (${[...SERVER_OWNED_VARIABLES].join(', ')})`,
      });
  }
  return out;
}
