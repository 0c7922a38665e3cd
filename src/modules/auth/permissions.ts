import type { Role } from '../organizations/user.entity.js';

/**
 * Every permission a route may declare. Roles grant permissions; agency scoping and per-document readers are
 * decided by PolicyService on top of this.
 */
export const PERMISSIONS = [
  'organizations.manage',
  'users.read',
  'audit.read',
  'workflow.read',
  'workflow.deploy',
  'workflow.start',
  'workflow.cancel',
  'tasks.use',
  'tasks.reassign',
  'documents.read',
  'documents.draft',
  'documents.receive',
  'documents.direct',
  'documents.sign',
  'documents.issue',
  'registers.read',
  'dossiers.read',
  'dossiers.manage',
  'fileplan.manage',
  'fileplan.approve',
  'archive.manage',
  'archive.approve',
  'reports.read',
  'signing.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const everyone: Permission[] = [
  'users.read',
  'tasks.use',
  'documents.read',
  'dossiers.read',
  'documents.draft',
  'workflow.read',
];

export const ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  admin: ['organizations.manage', 'audit.read', 'workflow.cancel', 'signing.manage', 'reports.read'],
  'process-admin': ['workflow.deploy', 'workflow.start', 'workflow.cancel'],
  leader: [
    'documents.direct',
    'documents.sign',
    'reports.read',
    'tasks.reassign',
    'fileplan.approve',
    'registers.read',
    'archive.approve',
  ],
  'deputy-leader': ['documents.direct', 'documents.sign', 'reports.read', 'tasks.reassign', 'registers.read'],
  'unit-head': ['tasks.reassign', 'reports.read', 'documents.direct'],
  clerk: ['documents.receive', 'documents.issue', 'registers.read', 'fileplan.manage', 'dossiers.manage'],
  staff: ['dossiers.manage'],
  archivist: ['archive.manage', 'dossiers.manage', 'registers.read', 'fileplan.manage'],
};

export function permissionsOf(roles: Role[]): Set<Permission> {
  const set = new Set<Permission>(everyone);
  for (const r of roles) for (const p of ROLE_PERMISSIONS[r] ?? []) set.add(p);
  return set;
}
