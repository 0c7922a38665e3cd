import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { forbidden, notFound } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { PolicyService, type AuthUser } from '../auth/index.js';
import { AgencyEntity } from '../organizations/index.js';

/** Answers which agency owns an object id of a domain module (registered by documents and dossiers). */
export type ObjectAgencyResolver = (ids: string[]) => Promise<Map<string, string>>;

/**
 * Who may do what in the process layer (issue 21). A process administrator acts for the agencies their grants
 * cover: each `process-admin` or `admin` grant covers its agency, and its subtree when it includes descendants.
 * Definitions are read by the agencies that run them (the owner's subtree) and by whoever may deploy for the owner.
 */
@Injectable()
export class WorkflowScope {
  private readonly resolvers: ObjectAgencyResolver[] = [];

  constructor(
    private readonly tx: TransactionService,
    private readonly policy: PolicyService,
  ) {}

  registerObjects(resolver: ObjectAgencyResolver): void {
    this.resolvers.push(resolver);
  }

  /** Agencies the user administers processes for (deploy, generic start, cancel, retry). */
  async administered(user: AuthUser): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const g of user.roles) {
      if (g.role !== 'process-admin' && g.role !== 'admin') continue;
      if (g.includeDescendants) for (const id of await this.policy.subtree(g.agencyId)) ids.add(id);
      else ids.add(g.agencyId);
    }
    return ids;
  }

  /** 404 when the user cannot see the agency at all, 403 when they see it but may not administer its processes. */
  async assertAdministers(user: AuthUser, agencyId: string): Promise<void> {
    if ((await this.administered(user)).has(agencyId)) return;
    if ((await this.policy.visibleAgencyIds(user)).includes(agencyId)) throw forbidden();
    throw notFound('agency', agencyId);
  }

  /** Owners whose definitions the user may read: their agency's chain up to the root, and what they administer. */
  async readableOwners(user: AuthUser): Promise<Set<string | null>> {
    const out = new Set<string | null>([null, user.agencyId, ...(await this.policy.ancestors(user.agencyId))]);
    for (const id of await this.administered(user)) out.add(id);
    return out;
  }

  /** The chain of owners an agency runs definitions from, nearest first (null last). */
  async chain(agencyId: string): Promise<(string | null)[]> {
    return [agencyId, ...(await this.policy.ancestors(agencyId)), null];
  }

  async names(ids: (string | null)[]): Promise<Map<string, { name: string; organId: string }>> {
    const list = ids.filter((i): i is string => !!i);
    if (!list.length) return new Map();
    const rows = await this.tx.manager.find(AgencyEntity, {
      where: { id: In([...new Set(list)]) },
      select: { id: true, name: true, organId: true },
    });
    return new Map(rows.map((r) => [r.id, { name: r.name, organId: r.organId }]));
  }

  /** The agency owning a document or dossier id, if any module knows it. */
  async agencyOfObject(id: string): Promise<string | null> {
    for (const r of this.resolvers) {
      const hit = (await r([id])).get(id);
      if (hit) return hit;
    }
    return null;
  }
}
