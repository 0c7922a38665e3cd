import { inflateSync } from 'node:zlib';
import { SignPdf } from '@signpdf/signpdf';
import { Signer as SignPdfSigner } from '@signpdf/utils';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { openForUpdate, pdfText, writeIncrementalUpdate } from './pdf-incremental.js';

/**
 * PAdES long-term validation (ETSI EN 319 142-1 §5.4, ISO 32000-2 §12.8.4.3): the validation data of every
 * signature — certificates, CRLs and OCSP answers — in the document security store (/DSS) of an incremental update
 * (B-LT), then a document time-stamp over the whole file (/Type /DocTimeStamp, SubFilter ETSI.RFC3161) that fixes
 * when that data was gathered (B-LTA). Both are changes every DocMDP level allows after a signature.
 */
export interface ValidationData {
  certificates: Buffer[];
  crls: Buffer[];
  ocsps: Buffer[];
}

class TokenSigner extends SignPdfSigner {
  constructor(private readonly make: (content: Buffer) => Promise<Buffer>) {
    super();
  }
  override sign(content: Buffer): Promise<Buffer> {
    return this.make(content);
  }
}

/** Adds (or extends) the /DSS with `data`; items already in the store are not repeated. */
export async function addDss(pdf: Buffer, data: ValidationData): Promise<Buffer> {
  const upd = await openForUpdate(pdf);
  const { doc } = upd;
  const ctx = doc.context;
  const dss = doc.catalog.lookupMaybe(PDFName.of('DSS'), PDFDict) ?? ctx.obj({});
  const add = (key: 'Certs' | 'CRLs' | 'OCSPs', items: Buffer[]) => {
    const arr = dss.lookupMaybe(PDFName.of(key), PDFArray) ?? ctx.obj([]);
    const have = new Set(
      arr.asArray().map((r) => {
        const s = r instanceof PDFRef ? ctx.lookup(r) : r;
        return s instanceof PDFRawStream ? Buffer.from(s.contents).toString('base64') : '';
      }),
    );
    for (const item of items) {
      if (have.has(item.toString('base64'))) continue;
      have.add(item.toString('base64'));
      arr.push(ctx.register(ctx.flateStream(item)));
    }
    if (arr.size()) dss.set(PDFName.of(key), arr);
  };
  add('Certs', data.certificates);
  add('CRLs', data.crls);
  add('OCSPs', data.ocsps);
  const existing = doc.catalog.get(PDFName.of('DSS'));
  if (!(existing instanceof PDFRef)) doc.catalog.set(PDFName.of('DSS'), ctx.register(dss));
  await doc.flush();
  return writeIncrementalUpdate(upd);
}

/** Adds a document time-stamp: an invisible signature field whose /Contents is the time-stamp token itself. */
export async function addDocumentTimestamp(
  pdf: Buffer,
  timestamp: (content: Buffer) => Promise<Buffer>,
): Promise<Buffer> {
  const upd = await openForUpdate(pdf);
  const { doc } = upd;
  const ctx = doc.context;
  const page = doc.getPage(0);
  const placeholder = PDFName.of('**********');
  const sig = ctx.obj({
    Type: 'DocTimeStamp',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.RFC3161',
    ByteRange: ctx.obj([0, placeholder, placeholder, placeholder]),
    Contents: PDFHexString.of('00'.repeat(8192)),
  });
  const sigRef = ctx.register(sig);
  const n = countDocTimestamps(doc) + 1;
  const widget = ctx.register(
    ctx.obj({
      Type: 'Annot',
      Subtype: 'Widget',
      FT: 'Sig',
      Rect: [0, 0, 0, 0],
      V: sigRef,
      T: pdfText(`hoso-timestamp-${n}`),
      F: 4 | 128, // Print | Locked (PDF/A: no hidden annotations; a zero rectangle shows nothing)
      P: page.ref,
    }),
  );
  const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
  if (annots) annots.push(widget);
  else page.node.set(PDFName.of('Annots'), ctx.obj([widget]));
  let form = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  if (!form) {
    form = ctx.obj({ Fields: [] });
    doc.catalog.set(PDFName.of('AcroForm'), ctx.register(form));
  }
  const fields = form.lookupMaybe(PDFName.of('Fields'), PDFArray);
  if (fields) fields.push(widget);
  else form.set(PDFName.of('Fields'), ctx.obj([widget]));
  await doc.flush();
  return new SignPdf().sign(writeIncrementalUpdate(upd), new TokenSigner(timestamp));
}

function countDocTimestamps(doc: PDFDocument): number {
  let n = 0;
  for (const [, obj] of doc.context.enumerateIndirectObjects())
    if (obj instanceof PDFDict && obj.get(PDFName.of('Type')) === PDFName.of('DocTimeStamp')) n++;
  return n;
}

/** The validation data stored in a document's /DSS (empty when it has none). */
export function readDss(doc: PDFDocument | null): ValidationData {
  const out: ValidationData = { certificates: [], crls: [], ocsps: [] };
  const dss = doc?.catalog.lookupMaybe(PDFName.of('DSS'), PDFDict);
  if (!dss || !doc) return out;
  const read = (key: string) =>
    (dss.lookupMaybe(PDFName.of(key), PDFArray)?.asArray() ?? []).flatMap((r) => {
      const s = r instanceof PDFRef ? doc.context.lookup(r) : r;
      if (!(s instanceof PDFRawStream)) return [];
      try {
        return [Buffer.from(decode(s))];
      } catch {
        return [];
      }
    });
  out.certificates = read('Certs');
  out.crls = read('CRLs');
  out.ocsps = read('OCSPs');
  return out;
}

function decode(s: PDFRawStream): Uint8Array {
  const filter = s.dict.get(PDFName.of('Filter'));
  if (!filter) return s.contents;
  if (filter === PDFName.of('FlateDecode')) return inflateSync(s.contents);
  throw new Error(`unsupported filter ${filter.toString()}`);
}
