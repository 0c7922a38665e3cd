// Documents imports this file: keep it free of DossiersModule (which imports DocumentsModule) to avoid a cycle.
export { DossierChoiceCheck, DossierDocumentSource } from './dossier-document-source.js';
export type {
  FilingDocument,
  FilingDocumentAccess,
  FilingDocumentFile,
  FilingDocumentHistoryEntry,
} from './dossier-document-source.js';
export { DossierStatsService, type DossierCountRow } from './dossier-stats.service.js';
export { renderTablePdf } from './archive/pdf-table.js';
