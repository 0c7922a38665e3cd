export { AuthModule } from './auth.module.js';
export { AuthService } from './auth.service.js';
export { PolicyService } from './policy.service.js';
export { CurrentUser, Public, RequirePermission } from './auth.decorators.js';
export type { AuthUser, RoleGrant } from './auth-user.js';
export type { Permission } from './permissions.js';
export { hashPassword } from './password-hasher.js';
export { DossierPolicy, PUBLIC_RIGHTS, type DossierAccessFacts, type DossierListScope } from './dossier.policy.js';
export { DocumentAccessPolicy, type DocumentAccessFacts, type DocumentListScope } from './document-access.policy.js';
