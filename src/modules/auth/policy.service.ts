import { Injectable } from '@nestjs/common';
import { TransactionService } from '../../database/transaction.service.js';
import { forbidden, notFound } from '../../common/domain-error.js';
import { AgencyEntity } from '../organizations/agency.entity.js';
import type { Role } from '../organizations/user.entity.js';
import type { AuthUser } from './auth-user.js';
import type { Permission } from './permissions.js';

/**
 * The one place that answers "may this user see or do this?". Controllers and services ask it; nobody else
 * compares roles or agency ids. "Not yours" is reported as not found, so ids of other agencies leak nothing.
 */
@Injectable()
export class PolicyService {
  private tree?: { at: number; parentOf: Map<string, string | null>; children: Map<string, string[]> };

  constructor(private readonly tx: TransactionService) {}

  can(user: AuthUser, permission: Permission): boolean {
    return user.permissions.has(permission);
  }

  require(user: AuthUser, permission: Permission): void {
    if (!this.can(user, permission)) throw forbidden();
  }

  hasRole(user: AuthUser, role: Role, scope: { agencyId?: string; unitId?: string | null } = {}): boolean {
    return user.roles.some(
      (g) =>
        g.role === role &&
        (scope.agencyId === undefined || g.agencyId === scope.agencyId) &&
        (scope.unitId === undefined || g.unitId === null || g.unitId === scope.unitId),
    );
  }

  /** Leaders of the agency, or the head of the unit. */
  isLeaderOver(user: AuthUser, agencyId: string, unitId: string | null): boolean {
    if (user.agencyId !== agencyId) return false;
    if (this.hasRole(user, 'leader', { agencyId }) || this.hasRole(user, 'deputy-leader', { agencyId })) return true;
    return (
      unitId !== null &&
      user.roles.some((g) => g.role === 'unit-head' && g.agencyId === agencyId && g.unitId === unitId)
    );
  }

  /** Agencies whose internal data (users, units, documents) the user may see: own, plus subtrees they administer. */
  async visibleAgencyIds(user: AuthUser): Promise<string[]> {
    const ids = new Set<string>([user.agencyId]);
    for (const g of user.roles)
      if (g.role === 'admin' && g.includeDescendants) for (const id of await this.subtree(g.agencyId)) ids.add(id);
    return [...ids];
  }

  /** Agencies the user may administer (admin role; with includeDescendants, the whole subtree). */
  async manageableAgencyIds(user: AuthUser): Promise<string[]> {
    const ids = new Set<string>();
    for (const g of user.roles) {
      if (g.role !== 'admin') continue;
      if (g.includeDescendants) for (const id of await this.subtree(g.agencyId)) ids.add(id);
      else ids.add(g.agencyId);
    }
    return [...ids];
  }

  async assertCanSeeAgency(user: AuthUser, agencyId: string, entity = 'agency'): Promise<void> {
    if (!(await this.visibleAgencyIds(user)).includes(agencyId)) throw notFound(entity);
  }

  async assertCanManageAgency(user: AuthUser, agencyId: string, entity = 'agency'): Promise<void> {
    const ids = await this.manageableAgencyIds(user);
    if (!ids.includes(agencyId)) {
      if (!(await this.visibleAgencyIds(user)).includes(agencyId)) throw notFound(entity);
      throw forbidden();
    }
  }

  async subtree(rootId: string): Promise<string[]> {
    const { children } = await this.loadTree();
    const out: string[] = [];
    const stack = [rootId];
    while (stack.length) {
      const id = stack.pop()!;
      out.push(id);
      stack.push(...(children.get(id) ?? []));
    }
    return out;
  }

  async ancestors(agencyId: string): Promise<string[]> {
    const { parentOf } = await this.loadTree();
    const out: string[] = [];
    let cur = parentOf.get(agencyId) ?? null;
    while (cur && !out.includes(cur)) {
      out.push(cur);
      cur = parentOf.get(cur) ?? null;
    }
    return out;
  }

  invalidateTree(): void {
    this.tree = undefined;
  }

  private async loadTree() {
    if (this.tree && Date.now() - this.tree.at < 30_000) return this.tree;
    const rows = await this.tx.manager.find(AgencyEntity, { select: { id: true, parentId: true } });
    const parentOf = new Map<string, string | null>();
    const children = new Map<string, string[]>();
    for (const r of rows) {
      parentOf.set(r.id, r.parentId);
      if (r.parentId) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r.id]);
    }
    this.tree = { at: Date.now(), parentOf, children };
    return this.tree;
  }
}
