import { Injectable } from '@nestjs/common';
import type { AuthUser } from './auth-user.js';

/** Returns the ids (e.g. of secret documents) in these agencies that the user may not even learn exist. */
export type HiddenIdsResolver = (user: AuthUser, agencyIds: string[]) => Promise<string[]>;

/** Of these ids (e.g. the business keys of secret tasks), those that name a secret record the user may read. */
export type ReadableIdsResolver = (user: AuthUser, ids: string[]) => Promise<string[]>;

/**
 * Secret material (Decree 30/2020 art. 15.2; the state-secrets law) must not surface through generic views that
 * carry ids as opaque keys — audit listings, process-instance lists. The module owning the secret records
 * registers a resolver; those generic views ask here which ids to leave out for this user.
 */
@Injectable()
export class ConfidentialityService {
  private readonly resolvers: HiddenIdsResolver[] = [];
  private readonly readers: ReadableIdsResolver[] = [];

  register(resolver: HiddenIdsResolver): void {
    this.resolvers.push(resolver);
  }

  /** The owner of secret records also tells, for given ids, which of them the user may read. */
  registerReadable(resolver: ReadableIdsResolver): void {
    this.readers.push(resolver);
  }

  /** The ids among these that some owner says the user may read; an id no owner knows is not readable. */
  async readable(user: AuthUser, ids: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    const list = [...new Set(ids)];
    if (!list.length) return out;
    for (const r of this.readers) for (const id of await r(user, list)) out.add(id);
    return out;
  }

  async hiddenIds(user: AuthUser, agencyIds: string[]): Promise<Set<string>> {
    const hidden = new Set<string>();
    if (!agencyIds.length) return hidden;
    for (const r of this.resolvers) for (const id of await r(user, agencyIds)) hidden.add(id);
    return hidden;
  }
}
