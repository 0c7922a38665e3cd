import { localIsoDate } from '../../common/business-time.js';
import type { DossierEntity, DossierItemEntity } from './dossier.entity.js';
import { retentionLabel } from './retention.js';

export const TRANSFER_ALERT_DAYS = 30;

/** Appendix VI part II §III, with the tags of the decree (FileCode, Title, Maintenance…). */
export function dossierMetadata(d: DossierEntity, organId: string, tz: string) {
  return {
    FileCode: { OrganId: organId, FileCatalog: d.year, FileNotation: d.notation },
    Title: d.title,
    Maintenance: retentionLabel(d.retentionPermanent, d.retentionYears),
    Rights: d.rights,
    Creator: d.creatorName,
    Language: d.language,
    StartDate: d.startDate ? localIsoDate(d.startDate, tz) : null,
    EndDate: d.endDate ? localIsoDate(d.endDate, tz) : null,
    DocTotal: d.docTotal,
    PageTotal: d.pageTotal,
    Description: d.description,
  };
}

export function isDueForTransfer(d: DossierEntity, now: Date): boolean {
  return (
    d.state === 'closed' &&
    !!d.transferDueAt &&
    d.transferDueAt.getTime() - now.getTime() <= TRANSFER_ALERT_DAYS * 24 * 3600 * 1000
  );
}

export function toDossierSummary(d: DossierEntity, now: Date) {
  return {
    id: d.id,
    code: d.code,
    notation: d.notation,
    year: d.year,
    title: d.title,
    state: d.state,
    dueForTransfer: isDueForTransfer(d, now),
    retention: retentionLabel(d.retentionPermanent, d.retentionYears),
    retentionPermanent: d.retentionPermanent,
    retentionYears: d.retentionYears,
    filePlanEntryId: d.filePlanEntryId,
    creatorId: d.creatorId,
    responsibleUnitId: d.responsibleUnitId,
    secrecy: d.secrecy,
    docTotal: d.docTotal,
    pageTotal: d.pageTotal,
    createdAt: d.createdAt,
    closedAt: d.closedAt,
    transferDueAt: d.transferDueAt,
    archivedAt: d.archivedAt,
  };
}

export function toDossierView(d: DossierEntity, items: DossierItemEntity[], organId: string, now: Date, tz: string) {
  return {
    ...toDossierSummary(d, now),
    agencyId: d.agencyId,
    rights: d.rights,
    language: d.language,
    description: d.description,
    readerIds: d.readerIds ?? [],
    startDate: d.startDate,
    endDate: d.endDate,
    retainedUntil: d.retainedUntil,
    submittedAt: d.submittedAt,
    archiveTransferId: d.archiveTransferId,
    retentionEndsAt: d.retentionEndsAt,
    destroyedAt: d.destroyedAt,
    processInstanceId: d.processInstanceId,
    metadata: dossierMetadata(d, organId, tz),
    items: items
      .sort((a, b) => a.order - b.order)
      .map((i) => ({ documentId: i.documentId, order: i.order, source: i.source, addedAt: i.addedAt })),
    documentIndex: d.documentIndex,
  };
}
