import { Injectable } from '@nestjs/common';
import type { AuthUser } from './auth-user.js';

/** What the policy needs to know about a document (structural, so auth does not import documents). */
export interface DocumentAccessFacts {
  agencyId: string;
  secrecy: string | null;
  /** Drafting unit (outgoing) or main handling unit (incoming). */
  unitId: string | null;
  drafterId: string | null;
  signerId: string | null;
  /** Explicit readers: participants added by the flow and explicit shares. */
  readerIds: string[];
}

/** SQL-friendly form of "which documents of the agency may this user see in lists". */
export interface DocumentListScope {
  agencyId: string;
  userId: string;
  /** Sees every non-secret document of the agency (leaders, deputy leaders, clerks). */
  wholeAgency: boolean;
  /** Units the user heads: their documents are visible (leaders over their units). */
  unitIds: string[];
}

const AGENCY_WIDE_ROLES = ['leader', 'deputy-leader', 'clerk'] as const;

/**
 * Who may see a document: its drafter, signer and explicit readers (consultees, handlers, shares — added by
 * the flow), the agency's leaders and clerks, and the heads of its unit. A secret document (Decree 30/2020,
 * art. 15.2, 16.3, 22.4; the state-secrets law) is seen by its explicit readers only, and never appears in
 * anyone else's list or search. Documents of other agencies, or not visible, are "not found".
 */
@Injectable()
export class DocumentAccessPolicy {
  listScope(user: AuthUser): DocumentListScope {
    const wholeAgency = user.roles.some(
      (g) => g.agencyId === user.agencyId && (AGENCY_WIDE_ROLES as readonly string[]).includes(g.role),
    );
    const unitIds = user.roles
      .filter((g) => g.role === 'unit-head' && g.unitId && g.agencyId === user.agencyId)
      .map((g) => g.unitId as string);
    return { agencyId: user.agencyId, userId: user.id, wholeAgency, unitIds: [...new Set(unitIds)] };
  }

  canSee(user: AuthUser, d: DocumentAccessFacts): boolean {
    if (user.agencyId !== d.agencyId) return false;
    const explicit = d.readerIds.includes(user.id) || d.drafterId === user.id || d.signerId === user.id;
    if (d.secrecy) return explicit;
    if (explicit) return true;
    const scope = this.listScope(user);
    return scope.wholeAgency || (d.unitId !== null && scope.unitIds.includes(d.unitId));
  }

  /** Heads of the unit and the agency's leaders act for the unit (review, reassigning). */
  isClerk(user: AuthUser, agencyId: string): boolean {
    return user.roles.some((g) => g.agencyId === agencyId && g.role === 'clerk');
  }

  /** Only the head of the agency and deputies sign (Decree 30/2020, art. 13). */
  maySign(roles: string[]): boolean {
    return roles.includes('leader') || roles.includes('deputy-leader');
  }

  /** May share the document with more readers: anyone who may see it, except for secret documents (clerks/leaders). */
  canShare(user: AuthUser, d: DocumentAccessFacts): boolean {
    if (!this.canSee(user, d)) return false;
    if (!d.secrecy) return true;
    return user.roles.some((g) => g.agencyId === d.agencyId && (g.role === 'leader' || g.role === 'clerk'));
  }
}
