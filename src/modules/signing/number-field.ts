import {
  beginText,
  endText,
  moveText,
  PDFArray,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFPage,
  PDFRef,
  PDFString,
  setFillingGrayscaleColor,
  setFontAndSize,
  showText,
} from 'pdf-lib';
import { embedTinos, tinosFont } from '../../common/tinos-fonts.js';
import { badRequest } from '../../common/domain-error.js';
import { pdfText, type UpdatableDocument } from './pdf-incremental.js';
import type { NumberSlot } from './signing.types.js';

/**
 * The document number as a form field (Decree 30/2020, art. 15 and appendix I cell 3: the clerk writes the number
 * into "Số:      /…" at issuance, after the competent person signed). The field is made, empty, in the update the
 * competent person signs; the agency signature's update only fills it (/V and the widget's appearance). A strict
 * validator's modification analysis (pyHanko's diff policy, ISO 32000-1 §12.8.2.2 DocMDP P=2) accepts filling an
 * existing field and adding signature fields after a signature, but not a new annotation: the stamp annotation
 * used before made the competent person's signature INVALID there.
 */
export const NUMBER_FIELD = 'hoso-number';
/** Digits only: the font embedded with the field holds them, so filling the field adds no font. */
const DIGITS = '0123456789';
const FONT_KEY = 'HosoTinos';

function checkSlot(pageCount: number, slot: NumberSlot): void {
  const { page, x, y, size, width } = slot;
  if (!Number.isInteger(page) || page < 1 || page > pageCount) throw badRequest('PAGE_OUT_OF_RANGE', { page });
  const finite = [x, y, size, width ?? 0].every(Number.isFinite);
  if (!finite || size <= 0 || size > 72 || (width ?? 0) < 0)
    throw badRequest('VALIDATION_FAILED', { fields: 'numberSlot' });
}

/** Widget rectangle of the field: the blank, a little wider than the number line's height, baseline at 30 %. */
function fieldRect(slot: NumberSlot) {
  const width = Math.max(slot.width ?? 0, slot.size * 3);
  const height = Math.ceil(slot.size * 1.3);
  const baseline = Math.round(slot.size * 0.3 * 100) / 100;
  const x = slot.width !== undefined ? slot.x + (slot.width - width) / 2 : slot.x;
  return { x, y: slot.y - baseline, width, height, baseline };
}

/** Adds the empty, read-only number field over the blank (in the update the competent person signs). */
export function addNumberField(upd: UpdatableDocument, slot: NumberSlot): void {
  const { doc } = upd;
  const ctx = doc.context;
  const pages = doc.getPages();
  checkSlot(pages.length, slot);
  if (findNumberField(upd)) return;
  const page: PDFPage = pages[slot.page - 1];
  const r = fieldRect(slot);
  const font = embedTinos(doc, 'regular');
  font.encodeText(DIGITS); // the glyphs the filled field will show, embedded (subset) now
  const empty = ctx.register(ctx.formXObject([], { BBox: [0, 0, r.width, r.height], Resources: {} }));
  const field = ctx.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Tx',
    T: pdfText(NUMBER_FIELD),
    TU: pdfText('Số văn bản'),
    Ff: 1, // ReadOnly: no one types into it; hoso fills it at numbering
    Q: 1, // centred
    DA: PDFString.of(`/${FONT_KEY} ${slot.size} Tf 0 g`),
    Rect: [r.x, r.y, r.x + r.width, r.y + r.height],
    F: 4, // Print
    P: page.ref,
    AP: { N: empty },
  });
  const fieldRef = ctx.register(field);
  const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
  if (annots) annots.push(fieldRef);
  else page.node.set(PDFName.of('Annots'), ctx.obj([fieldRef]));
  let form = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  if (!form) {
    form = ctx.obj({ Fields: [] });
    doc.catalog.set(PDFName.of('AcroForm'), ctx.register(form));
  }
  const fields = form.lookupMaybe(PDFName.of('Fields'), PDFArray);
  if (fields) fields.push(fieldRef);
  else form.set(PDFName.of('Fields'), ctx.obj([fieldRef]));
  const dr = form.lookupMaybe(PDFName.of('DR'), PDFDict) ?? ctx.obj({});
  const fonts = dr.lookupMaybe(PDFName.of('Font'), PDFDict) ?? ctx.obj({});
  fonts.set(PDFName.of(FONT_KEY), font.ref);
  dr.set(PDFName.of('Font'), fonts);
  form.set(PDFName.of('DR'), dr);
  form.set(PDFName.of('DA'), PDFString.of(`/${FONT_KEY} 12 Tf 0 g`));
}

export function findNumberField(upd: UpdatableDocument): { ref: PDFRef; dict: PDFDict } | null {
  for (const [ref, obj] of upd.doc.context.enumerateIndirectObjects())
    if (
      obj instanceof PDFDict &&
      obj.get(PDFName.of('FT')) === PDFName.of('Tx') &&
      (obj.get(PDFName.of('T')) as PDFHexString | PDFString | undefined)?.decodeText?.() === NUMBER_FIELD
    )
      return { ref, dict: obj };
  return null;
}

/**
 * Fills the number field: its value and an appearance showing the number centred in the blank, in the embedded
 * Tinos digits (real text: searchable, copyable). Returns false when the document has no such field.
 */
export function fillNumberField(upd: UpdatableDocument, number: string, notation: string): boolean {
  const found = findNumberField(upd);
  if (!found) return false;
  const text = number.trim();
  if (!text || ![...text].every((c) => DIGITS.includes(c))) throw badRequest('VALIDATION_FAILED', { fields: 'number' });
  const { doc } = upd;
  const ctx = doc.context;
  const form = doc.catalog.lookup(PDFName.of('AcroForm'), PDFDict);
  const fontRef = form.lookup(PDFName.of('DR'), PDFDict).lookup(PDFName.of('Font'), PDFDict).get(PDFName.of(FONT_KEY));
  if (!(fontRef instanceof PDFRef)) return false;
  const da = /\s([\d.]+)\s+Tf/.exec((found.dict.get(PDFName.of('DA')) as PDFString).decodeText());
  const size = da ? Number(da[1]) : 13;
  const rect = found.dict
    .lookup(PDFName.of('Rect'), PDFArray)
    .asArray()
    .map((n) => (n as PDFNumber).asNumber());
  const width = rect[2] - rect[0];
  const height = rect[3] - rect[1];
  // The width of the digits in Tinos (the same advance for every digit: 0.5 em).
  const textWidth = text.length * size * 0.5;
  const encoded = PDFHexString.of([...text].map(tinosGlyphHex).join(''));
  const ops = [
    beginText(),
    setFillingGrayscaleColor(0),
    setFontAndSize(FONT_KEY, size),
    moveText(Math.round(((width - textWidth) / 2) * 1000) / 1000, Math.round(size * 0.3 * 100) / 100),
    showText(encoded),
    endText(),
  ];
  const ap = ctx.register(
    ctx.formXObject(ops, { BBox: [0, 0, width, height], Resources: { Font: { [FONT_KEY]: fontRef } } }),
  );
  found.dict.set(
    PDFName.of('V'),
    pdfText(`${text}/${notation.startsWith(`${text}/`) ? notation.slice(text.length + 1) : notation}`),
  );
  found.dict.set(PDFName.of('AP'), ctx.obj({ N: ap }));
  return true;
}

/** The glyph id of a digit in Tinos Regular (Identity-H: the code is the glyph id), as 4 hex digits. */
function tinosGlyphHex(c: string): string {
  return tinosFont('regular').glyphForCodePoint(c.codePointAt(0)!).id.toString(16).padStart(4, '0');
}
