import { localIsoDate } from '../../../common/business-time.js';
import type { FilingDocument } from '../dossier-document-source.js';
import type { DossierEntity } from '../dossier.entity.js';
import { dossierMetadata } from '../dossier.mapper.js';

/** Per-document metadata of appendix VI part II §I/§II, in the decree's tags. */
export function documentMetadata(
  d: DossierEntity,
  organId: string,
  doc: FilingDocument,
  ordinal: number,
  tz: string,
  files: { path: string; sha256: string; mediaType: string; size: number; role: string }[],
) {
  return {
    DocumentId: doc.id,
    FileCode: { OrganId: organId, FileCatalog: d.year, FileNotation: d.notation },
    DocOrdinal: ordinal,
    Direction: doc.direction,
    TypeName: doc.typeName,
    CodeNumber: doc.number,
    CodeNotation: doc.notation,
    IssuedDate: doc.documentDate ? localIsoDate(doc.documentDate, tz) : null,
    OrganName: doc.organName,
    Subject: doc.subject,
    Language: doc.language,
    PageAmount: doc.pageCount,
    Description: '',
    SignerInfo: { Position: doc.signerTitle, FullName: doc.signerName },
    Secrecy: doc.secrecy,
    Files: files,
  };
}

export type DocumentMetadata = ReturnType<typeof documentMetadata>;

const esc = (s: unknown): string =>
  String(s ?? '')
    .normalize('NFC')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

function toXml(tag: string, value: unknown, indent: string): string {
  if (Array.isArray(value)) return value.map((v) => toXml(tag, v, indent)).join('');
  if (value && typeof value === 'object')
    return `${indent}<${tag}>\n${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toXml(k, v, indent + '  '))
      .join('')}${indent}</${tag}>\n`;
  return `${indent}<${tag}>${esc(value)}</${tag}>\n`;
}

/** The dossier and its documents as XML, element names from the decree's tags. */
export function metadataXml(
  meta: ReturnType<typeof dossierMetadata>,
  documents: DocumentMetadata[],
  extra: Record<string, unknown> = {},
): string {
  const body =
    toXml('File', { ...meta, ...extra }, '  ') +
    (documents.length ? `  <Documents>\n${toXml('Document', documents, '    ')}  </Documents>\n` : '');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<HoSo xmlns="urn:hoso:nd30-2020:pl6">\n${body}</HoSo>\n`;
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
