import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  chain: string;
  prevHash: string;
  occurredAt: Date;
  actorId: string | null;
  agencyId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  data: Record<string, unknown> | null;
}

/** Canonical JSON: keys sorted at every depth, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

export function auditHash(f: HashedFields): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        chain: f.chain,
        prevHash: f.prevHash,
        occurredAt: f.occurredAt.toISOString(),
        actorId: f.actorId,
        agencyId: f.agencyId,
        action: f.action,
        entityType: f.entityType,
        entityId: f.entityId,
        data: f.data,
      }),
    )
    .digest('hex');
}
