import { ObjectRefused, type BoundObject, type JobContext } from './engine/workflow-engine.port.js';

/**
 * The id of the object the server bound to the job's instance at start, for a worker of that kind of object.
 * Never an id from the process variables: a model (or a hand-made generic instance) could name any document.
 */
export function boundId(job: JobContext, type: BoundObject['type']): string {
  if (job.object?.type !== type || !job.object.id)
    throw new ObjectRefused(`${job.taskType}: the instance has no ${type} bound by the server`, {
      expected: type,
      bound: job.object ?? null,
    });
  return job.object.id;
}

/** The bound object must belong to the instance's agency; otherwise the worker changes nothing (incident). */
export function assertOwnAgency(job: JobContext, type: BoundObject['type'], id: string, agencyId: string): void {
  if (job.agencyId && agencyId === job.agencyId) return;
  throw new ObjectRefused(`${job.taskType}: the ${type} belongs to another agency than the instance`, {
    objectType: type,
    objectId: id,
    objectAgencyId: agencyId,
    instanceAgencyId: job.agencyId ?? null,
  });
}
