import {
  beginText,
  grayscale,
  degrees,
  drawEllipse,
  drawImage,
  drawSvgPath,
  endText,
  moveText,
  PDFDocument,
  PDFOperator,
  PDFRef,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setFillingGrayscaleColor,
  setFontAndSize,
  showText,
} from 'pdf-lib';
import { embedTinos } from '../../common/tinos-fonts.js';
import { drawShaped, shape, textWidth } from './glyph-paths.js';

/**
 * Appearance streams of the signature widgets (Decree 30/2020, appendix I): the signer's image in blue, the
 * agency seal in red, and the text block of an agency signature on a separate attachment (Times New Roman
 * 10 pt, black, via the metric-compatible Tinos). A PNG given by the caller replaces a generated image.
 */
export const BLUE = rgb(0.05, 0.2, 0.72);
export const RED = rgb(0.86, 0.08, 0.1);
// Gray, not CMYK: PDF/A-2b with an sRGB output intent admits no DeviceCMYK.
const BLACK = grayscale(0);

function formXObject(doc: PDFDocument, width: number, height: number, ops: PDFOperator[], images = {}): PDFRef {
  const stream = doc.context.formXObject(ops, { BBox: [0, 0, width, height], Resources: { XObject: images } });
  return doc.context.register(stream);
}

async function pngForm(doc: PDFDocument, png: Buffer, width: number, height: number): Promise<PDFRef> {
  const img = await doc.embedPng(png);
  const scale = Math.min(width / img.width, height / img.height);
  const w = img.width * scale;
  const h = img.height * scale;
  const at = { x: (width - w) / 2, y: (height - h) / 2, width: w, height: h };
  const ops = [
    pushGraphicsState(),
    ...drawImage('Im0', { ...at, rotate: degrees(0), xSkew: degrees(0), ySkew: degrees(0) }),
    popGraphicsState(),
  ];
  return formXObject(doc, width, height, ops, { Im0: img.ref });
}

/** The signer's handwritten-signature image: a blue flourish with the name in italics, or the given PNG. */
export async function signatureAppearance(
  doc: PDFDocument,
  o: { width: number; height: number; name: string; image?: Buffer },
): Promise<PDFRef> {
  if (o.image) return pngForm(doc, o.image, o.width, o.height);
  const size = Math.min(o.height * 0.34, (o.width * 0.9 * 12) / Math.max(textWidth('italic', o.name, 12), 1));
  const name = shape('italic', o.name, size);
  const flourish = 'M 8 34 C 22 6, 34 6, 40 24 S 58 44, 70 20 S 92 4, 100 22 C 104 32, 110 30, 116 18';
  const ops = [
    pushGraphicsState(),
    ...drawSvgPath(flourish, {
      x: 0,
      y: o.height * 0.98,
      scale: Math.min(o.width / 120, o.height / 48),
      color: undefined,
      borderColor: BLUE,
      borderWidth: 1.1,
    }),
    popGraphicsState(),
    ...drawShaped(name, { x: (o.width - name.width) / 2, y: o.height * 0.12, color: BLUE }),
  ];
  return formXObject(doc, o.width, o.height, ops);
}

/** The agency seal: red double ring, the agency name around it, a star in the centre; or the given PNG. */
export async function sealAppearance(
  doc: PDFDocument,
  o: { diameter: number; agencyName: string; image?: Buffer },
): Promise<PDFRef> {
  const d = o.diameter;
  if (o.image) return pngForm(doc, o.image, d, d);
  const c = d / 2;
  const outer = c - 1.5;
  const inner = outer * 0.7;
  const label = o.agencyName.normalize('NFC').toLocaleUpperCase('vi');
  const radius = inner + 2.5; // baseline of the ring text, glyphs grow outwards
  const gap = 0.06;
  const widthAt = (size: number) => textWidth('bold', label, size) + label.length * size * gap;
  let size = (outer - inner) * 0.6;
  const maxArc = (300 * Math.PI * radius) / 180; // the name runs over about 300° of the ring
  if (widthAt(size) > maxArc) size = (size * maxArc) / widthAt(size);
  const ops: PDFOperator[] = [
    pushGraphicsState(),
    ...drawEllipse({ x: c, y: c, xScale: outer, yScale: outer, color: undefined, borderColor: RED, borderWidth: 2.2 }),
    ...drawEllipse({ x: c, y: c, xScale: inner, yScale: inner, color: undefined, borderColor: RED, borderWidth: 0.9 }),
    popGraphicsState(),
  ];
  let theta = Math.PI / 2 + widthAt(size) / radius / 2; // start left of the top and go clockwise
  for (const ch of label) {
    const glyph = shape('bold', ch, size);
    const w = glyph.width + size * gap;
    const mid = theta - w / 2 / radius;
    // Glyph x axis along the clockwise tangent (sin, -cos), y axis outwards; origin half a glyph back.
    const x = c + radius * Math.cos(mid) - (glyph.width / 2) * Math.sin(mid);
    const y = c + radius * Math.sin(mid) + (glyph.width / 2) * Math.cos(mid);
    if (ch.trim()) ops.push(...drawShaped(glyph, { x, y, rotate: mid - Math.PI / 2, color: RED }));
    theta -= w / radius;
  }
  const star = Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 ? inner * 0.22 : inner * 0.55;
    const a = Math.PI / 2 + (i * Math.PI) / 5;
    return `${i ? 'L' : 'M'} ${(r * Math.cos(a)).toFixed(2)} ${(-r * Math.sin(a)).toFixed(2)}`;
  }).join(' ');
  ops.push(
    pushGraphicsState(),
    ...drawSvgPath(`${star} Z`, { x: c, y: c, scale: 1, color: RED, borderColor: undefined, borderWidth: 0 }),
    popGraphicsState(),
  );
  return formXObject(doc, d, d, ops);
}

/** Text lines, 10 pt black, for an agency signature on a separate attachment (appendix I: no image). */
export async function textBlockAppearance(
  doc: PDFDocument,
  lines: string[],
  size = 10,
): Promise<{ ref: PDFRef; width: number; height: number }> {
  const shaped = lines.map((l) => shape('regular', l, size));
  const leading = size * 1.25;
  const width = Math.ceil(Math.max(...shaped.map((s) => s.width))) + 4;
  const height = Math.ceil(leading * lines.length) + 4;
  const ops = shaped.flatMap((s, i) => drawShaped(s, { x: 2, y: height - 2 - size - i * leading, color: BLACK }));
  return { ref: formXObject(doc, width, height, ops), width, height };
}

/**
 * The document number written into the blank of "Số:      /…" (Decree 30/2020, appendix I cell 3), black, in the
 * size of the number line, for a document signed without a number field (number-field.ts). Real text in the
 * embedded Tinos subset (searchable, copyable; PDF/A: no font left unembedded).
 */
export function numberAppearance(
  doc: PDFDocument,
  o: { text: string; size: number; width?: number },
): { ref: PDFRef; width: number; height: number; baseline: number } {
  const shaped = shape('regular', o.text, o.size);
  const width = Math.ceil(Math.max(shaped.width + 2, o.width ?? 0));
  const height = Math.ceil(o.size * 1.3);
  const baseline = Math.round(o.size * 0.3 * 100) / 100;
  const x = (width - shaped.width) / 2;
  const font = embedTinos(doc, 'regular');
  const ops = [
    beginText(),
    setFillingGrayscaleColor(0),
    setFontAndSize('F1', o.size),
    moveText(Math.round(x * 1000) / 1000, baseline),
    showText(font.encodeText(o.text.normalize('NFC'))),
    endText(),
  ];
  const stream = doc.context.formXObject(ops, { BBox: [0, 0, width, height], Resources: { Font: { F1: font.ref } } });
  return { ref: doc.context.register(stream), width, height, baseline };
}
