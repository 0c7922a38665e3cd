export { OrganizationsModule } from './organizations.module.js';
export { OrganizationsService, type AgencyView } from './organizations.service.js';
export { AgencyEntity } from './agency.entity.js';
export { UnitEntity } from './unit.entity.js';
export { UserEntity, RoleAssignmentEntity, ROLES, type Role } from './user.entity.js';
