import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObject,
  PDFRef,
  PDFStream,
} from 'pdf-lib';
import { badRequest } from '../../common/domain-error.js';

/**
 * Incremental updates (ISO 32000-1 §7.5.6): the original bytes are kept as they are and only new or changed
 * objects are appended with a new cross-reference section whose trailer points back (/Prev). Earlier
 * signatures cover the earlier bytes, so they stay valid. pdf-lib edits the object graph in memory; we only
 * write what differs from the snapshot taken when the file was opened.
 */
export interface UpdatableDocument {
  doc: PDFDocument;
  original: Buffer;
  snapshot: Map<string, string>;
}

const key = (ref: PDFRef) => `${ref.objectNumber} ${ref.generationNumber}`;
const fingerprint = (obj: PDFObject): string =>
  obj instanceof PDFStream ? `stream:${obj.dict.toString()}:${obj.getContentsSize()}` : obj.toString();

export function looksLikePdf(pdf: Buffer): boolean {
  return pdf.length > 64 && pdf.subarray(0, 1024).includes('%PDF-') && pdf.subarray(-2048).includes('%%EOF');
}

export async function openForUpdate(pdf: Buffer): Promise<UpdatableDocument> {
  if (!Buffer.isBuffer(pdf) || !looksLikePdf(pdf)) throw badRequest('NOT_A_PDF');
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false, throwOnInvalidObject: true });
    if (doc.isEncrypted || doc.getPageCount() === 0) throw new Error('encrypted or empty');
  } catch {
    throw badRequest('NOT_A_PDF');
  }
  // New objects must not reuse numbers of objects pdf-lib dropped while parsing (object streams, xref streams):
  // continue after the highest number the file declares.
  const raw = pdf.toString('latin1');
  let highest = doc.context.largestObjectNumber;
  for (const m of raw.matchAll(/(?:^|[^\d])(\d{1,7})\s+\d{1,5}\s+obj\b/g)) highest = Math.max(highest, Number(m[1]));
  for (const m of raw.matchAll(/\/Size\s+(\d{1,7})/g)) highest = Math.max(highest, Number(m[1]) - 1);
  doc.context.largestObjectNumber = highest;
  const snapshot = new Map<string, string>();
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) snapshot.set(key(ref), fingerprint(obj));
  return { doc, original: pdf, snapshot };
}

function lastStartXref(pdf: Buffer): number {
  const at = pdf.lastIndexOf('startxref');
  if (at < 0) throw badRequest('NOT_A_PDF');
  const m = /startxref\s+(\d+)/.exec(pdf.subarray(at, at + 40).toString('latin1'));
  if (!m) throw badRequest('NOT_A_PDF');
  return Number(m[1]);
}

function serialize(ref: PDFRef, obj: PDFObject): Buffer {
  const body = new Uint8Array(obj.sizeInBytes());
  obj.copyBytesInto(body, 0);
  return Buffer.concat([
    Buffer.from(`${ref.objectNumber} ${ref.generationNumber} obj\n`),
    body,
    Buffer.from('\nendobj\n'),
  ]);
}

/** Groups sorted object numbers into xref subsections. */
function subsections<T extends { num: number }>(entries: T[]): T[][] {
  const out: T[][] = [];
  for (const e of [...entries].sort((a, b) => a.num - b.num)) {
    const last = out[out.length - 1];
    if (last && last[last.length - 1].num + 1 === e.num) last.push(e);
    else out.push([e]);
  }
  return out;
}

/** Appends the changed objects to the original bytes; the result ends with "%%EOF\n". */
export function writeIncrementalUpdate(u: UpdatableDocument): Buffer {
  const { doc, original } = u;
  const prev = lastStartXref(original);
  const prevIsStream = original.subarray(prev, prev + 4).toString('latin1') !== 'xref';
  const parts: Buffer[] = [original];
  let offset = original.length;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (original[original.length - 1] !== 0x0a && original[original.length - 1] !== 0x0d) push(Buffer.from('\n'));
  const entries: { num: number; gen: number; offset: number }[] = [];
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) {
    if (u.snapshot.get(key(ref)) === fingerprint(obj)) continue;
    entries.push({ num: ref.objectNumber, gen: ref.generationNumber, offset });
    push(serialize(ref, obj));
  }
  const info = doc.context.trailerInfo;
  const trailer: [string, PDFObject][] = [['Root', info.Root as PDFObject]];
  if (info.Info) trailer.push(['Info', info.Info]);
  if (info.ID) trailer.push(['ID', info.ID]);
  if (!prevIsStream) {
    const size = doc.context.largestObjectNumber + 1;
    const xrefOffset = offset;
    let xref = 'xref\n';
    for (const group of subsections(entries)) {
      xref += `${group[0].num} ${group.length}\n`;
      for (const e of group) xref += `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n \n`;
    }
    const dict = PDFDict.withContext(doc.context);
    dict.set(PDFName.of('Size'), PDFNumber.of(size));
    dict.set(PDFName.of('Prev'), PDFNumber.of(prev));
    for (const [k, v] of trailer) dict.set(PDFName.of(k), v);
    push(Buffer.from(`${xref}trailer\n${dict.toString()}\nstartxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
  } else {
    // The previous section is a cross-reference stream (PDF 1.5+): continue with one, as ISO 32000-1 §7.5.8.4 expects.
    const num = doc.context.largestObjectNumber + 1;
    const xrefOffset = offset;
    entries.push({ num, gen: 0, offset: xrefOffset });
    const rows: Buffer[] = [];
    const index: number[] = [];
    for (const group of subsections(entries)) {
      index.push(group[0].num, group.length);
      for (const e of group) {
        const row = Buffer.alloc(7);
        row[0] = 1;
        row.writeUInt32BE(e.offset, 1);
        row.writeUInt16BE(e.gen, 5);
        rows.push(row);
      }
    }
    const data = Buffer.concat(rows);
    const dict = PDFDict.withContext(doc.context);
    dict.set(PDFName.of('Type'), PDFName.of('XRef'));
    dict.set(PDFName.of('Size'), PDFNumber.of(num + 1));
    dict.set(PDFName.of('W'), doc.context.obj([1, 4, 2]));
    dict.set(PDFName.of('Index'), doc.context.obj(index));
    dict.set(PDFName.of('Prev'), PDFNumber.of(prev));
    dict.set(PDFName.of('Length'), PDFNumber.of(data.length));
    for (const [k, v] of trailer) dict.set(PDFName.of(k), v);
    push(
      Buffer.concat([
        Buffer.from(`${num} 0 obj\n${dict.toString()}\nstream\n`, 'latin1'),
        data,
        Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`, 'latin1'),
      ]),
    );
  }
  return Buffer.concat(parts);
}

/** PDF text strings in UTF-16BE so Vietnamese survives (pdf-lib's PDFString is Latin-1). */
export const pdfText = (s: string) => PDFHexString.fromText(s.normalize('NFC'));
export const pdfArray = (doc: PDFDocument, items: number[]) => doc.context.obj(items) as PDFArray;
