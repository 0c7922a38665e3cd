import { Injectable } from '@nestjs/common';
import type { AuthUser } from './auth-user.js';

/** What the dossier policy needs to know about a dossier (structural, so auth does not import dossiers). */
export interface DossierAccessFacts {
  agencyId: string;
  creatorId: string;
  responsibleUnitId: string | null;
  secrecy: string | null;
  readerIds: string[] | null;
  state?: string;
  rights?: string;
}

/** Rights value of an archived dossier open to every official of the agency (access by rights, PL VI). */
export const PUBLIC_RIGHTS = 'Công khai';

/** SQL-friendly form of "which dossiers of the agency may this user see". */
export interface DossierListScope {
  agencyId: string;
  /** Sees every non-secret dossier of the agency (leaders, clerks, archivists). */
  wholeAgency: boolean;
  userId: string;
  unitIds: string[];
}

const AGENCY_WIDE_ROLES = ['leader', 'deputy-leader', 'clerk', 'archivist'] as const;

/**
 * Who may see and change dossiers: the creator, the responsible unit (its members and its head), the agency's
 * leaders, clerks and archivists; a secret dossier only its readers and creator (ND30 PL VI: per-person access
 * rights). Other agencies' dossiers are "not found" to the caller.
 */
@Injectable()
export class DossierPolicy {
  listScope(user: AuthUser): DossierListScope {
    const wholeAgency = user.roles.some(
      (g) => g.agencyId === user.agencyId && (AGENCY_WIDE_ROLES as readonly string[]).includes(g.role),
    );
    const unitIds = new Set<string>();
    if (user.unitId) unitIds.add(user.unitId);
    for (const g of user.roles)
      if (g.role === 'unit-head' && g.unitId && g.agencyId === user.agencyId) unitIds.add(g.unitId);
    return { agencyId: user.agencyId, wholeAgency, userId: user.id, unitIds: [...unitIds] };
  }

  canSee(user: AuthUser, d: DossierAccessFacts): boolean {
    if (user.agencyId !== d.agencyId) return false;
    if (d.creatorId === user.id) return true;
    if (d.secrecy) return (d.readerIds ?? []).includes(user.id);
    if (d.state === 'archived' && d.rights === PUBLIC_RIGHTS) return true;
    const scope = this.listScope(user);
    return scope.wholeAgency || (d.responsibleUnitId !== null && scope.unitIds.includes(d.responsibleUnitId));
  }

  /** Adding and removing documents, closing, correcting metadata. */
  canChange(user: AuthUser, d: DossierAccessFacts): boolean {
    if (!this.canSee(user, { ...d, state: undefined })) return false;
    if (d.creatorId === user.id) return true;
    const clerical = user.roles.some(
      (g) => g.agencyId === d.agencyId && (g.role === 'clerk' || g.role === 'archivist'),
    );
    if (clerical) return true;
    return (
      d.responsibleUnitId !== null &&
      user.permissions.has('dossiers.manage') &&
      this.listScope(user).unitIds.includes(d.responsibleUnitId)
    );
  }

  isArchivist(user: AuthUser, agencyId: string): boolean {
    return user.roles.some((g) => g.agencyId === agencyId && g.role === 'archivist');
  }

  /** Head of the agency: approves file plans, retention in the unit beyond the deadline, destruction. */
  isHeadOfAgency(user: AuthUser, agencyId: string): boolean {
    return user.roles.some((g) => g.agencyId === agencyId && g.role === 'leader');
  }
}
