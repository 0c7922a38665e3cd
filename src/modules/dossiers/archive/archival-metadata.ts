import { localIsoDate } from '../../../common/business-time.js';
import type { FilingDocument } from '../dossier-document-source.js';
import type { DossierEntity } from '../dossier.entity.js';
import { dossierMetadata } from '../dossier.mapper.js';
import { METADATA_XSD_NAME } from './metadata-schema.js';

type FileMeta = { path: string; sha256: string; mediaType: string; size: number; role: string; Content?: string };

/** CodeNotation (30) is the notation without the number: "TB-SNV" of "02/TB-SNV" (appendix VI §I fields 4–5). */
export function codeNotation(number: string | null, notation: string | null): string | null {
  if (!notation) return null;
  const lead = number ? `${number}/` : (/^\d+\//.exec(notation)?.[0] ?? '');
  return (lead && notation.startsWith(lead) ? notation.slice(lead.length) : notation) || null;
}

/** Circular 05/2025/TT-BNV: a document's archival code is its dossier's code and a 7-digit ordinal (unverified). */
const archivalCode = (organId: string, d: DossierEntity, ordinal: number) =>
  `${organId}.${d.year}.${d.notation}.${String(ordinal).padStart(7, '0')}`;

/** Born-digital records (all of hoso's): the confidence level of Circular 05/2025's dossier and document layers. */
export const CONFIDENCE_BORN_DIGITAL = 'Điện tử gốc';

/**
 * Per-document metadata of appendix VI part II §I (outgoing) / §II (incoming), in the decree's tags and in the
 * order of the published schema (ho-so-pl6.xsd); a field without a value is left out.
 */
export function documentMetadata(
  d: DossierEntity,
  organId: string,
  doc: FilingDocument,
  ordinal: number,
  tz: string,
  files: FileMeta[],
) {
  const day = (x: Date | null | undefined) => (x ? localIsoDate(x, tz) : undefined);
  const incoming = doc.direction === 'incoming';
  return {
    DocumentId: doc.id,
    FileCode: { OrganId: organId, FileCatalog: d.year, FileNotation: d.notation },
    DocOrdinal: ordinal,
    Direction: doc.direction,
    TypeName: doc.typeName,
    CodeNumber: doc.number ?? undefined,
    CodeNotation: codeNotation(doc.number, doc.notation) ?? undefined,
    IssuedDate: day(doc.documentDate),
    OrganName: doc.organName,
    Subject: doc.subject,
    Language: doc.language,
    PageAmount: doc.pageCount,
    Description: doc.description ?? '',
    SignerInfo: { Position: doc.signerTitle ?? undefined, FullName: doc.signerName ?? undefined },
    To:
      !incoming && doc.recipients?.length
        ? { Place: doc.recipients.map((r) => ({ OrganId: r.organId ?? undefined, OrganName: r.organName })) }
        : undefined,
    Priority: doc.urgencyRank ?? 0,
    SecrecyLevel: doc.secrecyRank ?? 0,
    IssuedAmount: incoming ? undefined : (doc.issuedAmount ?? undefined),
    ArrivalDate: incoming ? day(doc.arrivalDate) : undefined,
    ArrivalNumber: incoming ? (doc.arrivalNumber ?? undefined) : undefined,
    ToPlaces: incoming ? doc.toPlaces || undefined : undefined,
    TraceHeaderList: incoming
      ? {
          TraceHeader: doc.history.map((h) => ({
            At: h.at.toISOString(),
            Actor: h.actorName,
            Action: h.action,
            Note: h.note || undefined,
          })),
        }
      : undefined,
    DueDate: day(doc.dueDate),
    Archival: {
      Identifier: archivalCode(organId, d, ordinal),
      Mode: d.rights,
      ConfidenceLevel: CONFIDENCE_BORN_DIGITAL,
    },
    Files: { File: files },
  };
}

export type DocumentMetadata = ReturnType<typeof documentMetadata>;

const esc = (s: unknown): string =>
  String(s ?? '')
    .normalize('NFC')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 cannot carry C0 controls other than tab and newlines
    .replace(/[^\P{Cc}\t\n\r]/gu, '');

function toXml(tag: string, value: unknown, indent: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(tag, v, indent)).join('');
  if (typeof value === 'object')
    return `${indent}<${tag}>\n${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toXml(k, v, indent + '  '))
      .join('')}${indent}</${tag}>\n`;
  return `${indent}<${tag}>${esc(value)}</${tag}>\n`;
}

const SECRECY_RANK: Record<string, number> = { confidential: 1, secret: 2, 'top-secret': 3 };

/**
 * The dossier and its documents as XML valid against ho-so-pl6.xsd (appendix VI §III then §I/§II), with the
 * archival fields of Circular 05/2025 for the dossier.
 */
export function metadataXml(
  meta: ReturnType<typeof dossierMetadata>,
  documents: DocumentMetadata[],
  extra: { FileCodeText?: string; secrecy?: string | null } = {},
): string {
  const file = {
    FileCode: meta.FileCode,
    FileCodeText: extra.FileCodeText,
    Title: meta.Title,
    Maintenance: meta.Maintenance,
    Rights: meta.Rights,
    Creator: meta.Creator,
    Language: meta.Language,
    StartDate: meta.StartDate,
    EndDate: meta.EndDate,
    DocTotal: meta.DocTotal,
    PageTotal: meta.PageTotal,
    Description: meta.Description ?? '',
    Archival: {
      Identifier: `${meta.FileCode.OrganId}.${meta.FileCode.FileCatalog}.${meta.FileCode.FileNotation}`,
      Mode: meta.Rights,
      ConfidenceLevel: CONFIDENCE_BORN_DIGITAL,
      SecrecyLevel: SECRECY_RANK[extra.secrecy ?? ''] ?? 0,
    },
  };
  const body =
    toXml('File', file, '  ') +
    (documents.length ? `  <Documents>\n${toXml('Document', documents, '    ')}  </Documents>\n` : '');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<HoSo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="${METADATA_XSD_NAME}">\n` +
    `${body}</HoSo>\n`
  );
}

export function safeName(name: string): string {
  const clean = name
    .normalize('NFC')
    .replace(/[\\/:*?"<>|]/g, '_')
    .replace(/\p{Cc}/gu, '_')
    .replace(/^\.+/, '_')
    .trim();
  return (clean || 'tep').slice(0, 120);
}
