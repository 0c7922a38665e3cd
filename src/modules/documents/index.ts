/**
 * What other modules may use from documents (the exchange module): the module, its event hook, the services that
 * insert and start incoming documents, the trail, the engine gateway, access-checked reads, and the entities the
 * exchange reads to build a package.
 */
export { DocumentsModule } from './documents.module.js';
export { DocumentEvents, type DocumentEventListener } from './document-events.js';
export { DocumentsService, pdfPageCount } from './documents.service.js';
export { DocumentTrail, SYSTEM_ACTOR } from './document-trail.service.js';
export { ProcessGateway } from './process-gateway.js';
export { DocumentQueryService } from './document-query.service.js';
export { DocumentEntity } from './document.entity.js';
export { DocumentFileEntity } from './document-records.entity.js';
export { findDocumentType } from './document-types.js';
