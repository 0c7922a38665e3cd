export { AuditModule } from './audit.module.js';
export { AuditService, type AuditInput } from './audit.service.js';
