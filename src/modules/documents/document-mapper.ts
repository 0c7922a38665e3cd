import type { DocumentEntity } from './document.entity.js';

export interface DocumentListItem {
  id: string;
  direction: string;
  status: string;
  typeCode: string;
  typeName: string;
  subject: string;
  number: string | null;
  notation: string | null;
  urgency: string;
  secrecy: string | null;
  organName: string;
  documentDate: string | null;
  arrivalNumber: number | null;
  dueAt: string | null;
  overdue: boolean;
  createdAt: string;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** What a list item shows (toListItem below): a page reads only these columns, not the body or the JSON lists. */
export const LIST_COLUMNS = [
  'id',
  'direction',
  'status',
  'typeCode',
  'typeName',
  'subject',
  'number',
  'notation',
  'urgency',
  'secrecy',
  'organName',
  'documentDate',
  'arrivalNumber',
  'dueAt',
  'overdue',
  'createdAt',
] satisfies (keyof DocumentEntity & string)[];

export function toListItem(d: DocumentEntity): DocumentListItem {
  return {
    id: d.id,
    direction: d.direction,
    status: d.status,
    typeCode: d.typeCode,
    typeName: d.typeName,
    subject: d.subject,
    number: d.number,
    notation: d.notation,
    urgency: d.urgency ?? 'normal',
    secrecy: d.secrecy,
    organName: d.organName,
    documentDate: iso(d.documentDate),
    arrivalNumber: d.arrivalNumber,
    dueAt: iso(d.dueAt),
    overdue: d.overdue,
    createdAt: iso(d.createdAt)!,
  };
}

export function toDetail(
  d: DocumentEntity,
  extra: { dossierIds: string[]; files: unknown[]; recipients?: unknown[]; reviewedDraft?: unknown },
) {
  return {
    ...toListItem(d),
    agencyId: d.agencyId,
    legalNormative: d.legalNormative,
    body: d.body,
    language: d.language,
    pageCount: d.pageCount,
    description: d.description,
    issuedAt: iso(d.issuedAt),
    registeredAt: iso(d.registeredAt),
    arrivalDate: iso(d.arrivalDate),
    registerId: d.registerId,
    drafterId: d.drafterId,
    unitId: d.unitId,
    signer: d.signerName
      ? { id: d.signerId, name: d.signerName, title: d.signerTitle, authority: d.signerAuthority }
      : null,
    consulteeIds: d.consulteeIds ?? [],
    recipientAgencyIds: d.recipientAgencyIds ?? [],
    externalRecipients: d.externalRecipients ?? [],
    senderAgencyId: d.senderAgencyId,
    sourceDocumentId: d.sourceDocumentId,
    replyToId: d.replyToId,
    mainHandlerId: d.mainHandlerId,
    coHandlerIds: d.coHandlerIds ?? [],
    forInformationIds: d.forInformationIds ?? [],
    instruction: d.instruction,
    issuedAmount: d.issuedAmount,
    processInstanceId: d.processInstanceId,
    signed: d.signed,
    agencySigned: d.agencySigned,
    hasPdf: !!d.pdfSha256 || !!d.body,
    doneAt: iso(d.doneAt),
    dossierIds: extra.dossierIds,
    files: extra.files,
    /** The draft the unit head approved: `{ version, sha256, at }` (sha256 null for a composed body), or null. */
    reviewedDraft: extra.reviewedDraft ?? null,
  };
}
