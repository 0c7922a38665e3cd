import { forbidden } from '../../common/domain-error.js';
import { registerMessages } from '../../common/messages.js';
import type { AuthUser } from '../auth/auth-user.js';
import type { PolicyService } from '../auth/policy.service.js';
import type { Role } from './user.entity.js';

registerMessages({
  ROLE_SELF_CHANGE: {
    vi: 'Không ai được tự thay đổi vai trò của chính mình; hãy nhờ một quản trị viên khác.',
    en: 'Nobody changes their own roles; ask another administrator.',
  },
  ROLE_NOT_HELD: {
    vi: 'Chỉ được giao vai trò {role} mà chính mình đang giữ trong phạm vi của mình.',
    en: 'You may grant role {role} only if you hold it yourself, within your own scope.',
  },
});

/** Roles that govern others (users, agencies, processes): granted only by someone holding them over the agency. */
export const GOVERNING_ROLES: ReadonlySet<Role> = new Set<Role>(['admin', 'process-admin']);

interface Grant {
  role: Role;
  unitId?: string | null;
  includeDescendants?: boolean;
}

/**
 * An administrator changes roles within their scope, never their own (snv.admin made itself process-admin with
 * PATCH /api/users/{own id}), and grants a governing role only when they hold it over the user's agency — with
 * its subtree only when their own grant covers that subtree. Grants the user already has are kept as they are.
 */
export async function assertMayGrant(
  policy: PolicyService,
  actor: AuthUser,
  target: { id: string; agencyId: string },
  requested: Grant[],
  existing: Grant[],
): Promise<void> {
  const same = (a: Grant, b: Grant) =>
    a.role === b.role && (a.unitId ?? null) === (b.unitId ?? null) && !!a.includeDescendants === !!b.includeDescendants;
  // the same grants sent back (a form saving other fields) are no change
  const unchanged =
    requested.every((r) => existing.some((e) => same(e, r))) &&
    existing.every((e) => requested.some((r) => same(e, r)));
  if (actor.id === target.id && !unchanged) throw forbidden('ROLE_SELF_CHANGE');
  for (const r of requested) {
    if (!GOVERNING_ROLES.has(r.role) || existing.some((e) => same(e, r))) continue;
    let held = false;
    for (const g of actor.roles) {
      if (g.role !== r.role) continue;
      const covers =
        g.agencyId === target.agencyId ||
        (g.includeDescendants && (await policy.subtree(g.agencyId)).includes(target.agencyId));
      if (covers && (!r.includeDescendants || g.includeDescendants)) held = true;
    }
    if (!held) throw forbidden('ROLE_NOT_HELD', { role: r.role });
  }
}
