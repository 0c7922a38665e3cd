import type { BoundObject, StartOptions } from '../workflow-engine.port.js';
import type { InstanceStart } from './run-persister.js';

/** The agency whose definition a start resolves: the server's choice, else the trusted caller's variable. */
export function startAgency(options: StartOptions): string | null {
  if (options.agencyId !== undefined) return options.agencyId;
  return typeof options.variables?.agencyId === 'string' ? options.variables.agencyId : null;
}

/**
 * What the server binds at start: the instance's agency (its choice, else the trusted caller's variable, else the
 * definition's owner) and its business object, both written over the variables of the same names so the model
 * sees the truth (and the deploy policy keeps any mapping from writing them afterwards).
 */
export function boundStart(
  options: InstanceStart,
  ownerId: string | null,
): { variables: Record<string, unknown>; agencyId: string | null; object: BoundObject | null } {
  const variables = { ...(options.variables ?? {}) };
  const fromVars = typeof variables.agencyId === 'string' ? variables.agencyId : undefined;
  const agencyId = options.agencyId !== undefined ? options.agencyId : (fromVars ?? ownerId);
  if (agencyId) variables.agencyId = agencyId;
  const object = options.object ?? null;
  if (object) {
    variables[object.type === 'document' ? 'documentId' : 'dossierId'] = object.id;
    variables.businessKey = options.businessKey ?? object.id;
  }
  return { variables, agencyId, object };
}
