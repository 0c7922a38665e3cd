import type { Role } from '../organizations/user.entity.js';
import type { Permission } from './permissions.js';

export interface RoleGrant {
  role: Role;
  agencyId: string;
  unitId: string | null;
  includeDescendants: boolean;
}

/** The authenticated caller as the rest of the app sees it. */
export interface AuthUser {
  id: string;
  username: string;
  fullName: string;
  title: string;
  email: string | null;
  agencyId: string;
  unitId: string | null;
  roles: RoleGrant[];
  roleNames: Role[];
  permissions: Set<Permission>;
  tokenVersion: number;
  jti?: string;
  tokenExp?: number;
}
