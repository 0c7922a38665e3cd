import { PDFDocument, PDFFont, PDFPage, rgb } from 'pdf-lib';
import { embedFonts, mm, nfc, textWidth, wrapText, wrapWords, type PdfFonts } from '../registers/index.js';
import { makePdfA } from '../../common/pdfa.js';
import { letterSubject } from '../../common/vietnamese.js';
import type { LayoutDirective } from './templates/document-templates.js';

export interface RenderInput {
  governingBodyName: string;
  agencyName: string;
  /** "Số: 01/QĐ-SNV", or "Số:      /QĐ-SNV" before numbering. */
  numberLine: string;
  isLetter: boolean;
  subject: string;
  placeDate: string;
  directives: LayoutDirective[];
  signer: { authorityLine: string; titleLine: string; name: string };
  recipientLines: string[];
  urgencyLabel?: string;
  secrecyLabel?: string;
  title?: string;
}

export interface SignatureRect {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RenderedPdf {
  pdf: Buffer;
  pageCount: number;
  /** Where the signer's signature image goes (between title and name, appendix I cell 7c). */
  signatureRect: SignatureRect;
  /** The blank of "Số:      /…" (1-based page, left end on the baseline), when the document has no number yet. */
  numberSlot?: { page: number; x: number; y: number; size: number; width: number };
}

// Decree 30/2020, appendix I §I.2: A4, top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
const A4 = { w: mm(210), h: mm(297) };
const M = { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) };
const CONTENT_W = A4.w - M.left - M.right;
const LEFT_COL_W = mm(75);
const RIGHT_COL_X = M.left + mm(68);
const RIGHT_COL_W = A4.w - M.right - RIGHT_COL_X;
const BODY = 14;
const LINE = BODY * 1.3;
const SIGNATURE_SPACE = mm(28);

class Cursor {
  page: PDFPage;
  y: number;
  pages = 1;
  constructor(
    private readonly doc: PDFDocument,
    private readonly f: PdfFonts,
  ) {
    this.page = doc.addPage([A4.w, A4.h]);
    this.y = A4.h - M.top;
  }
  need(h: number): void {
    if (this.y - h >= M.bottom) return;
    this.page = this.doc.addPage([A4.w, A4.h]);
    this.pages++;
    // The first page is not numbered; later pages carry their number centred in the top margin.
    const n = String(this.pages);
    this.page.drawText(n, {
      x: (A4.w - textWidth(this.f.regular, n, 13)) / 2,
      y: A4.h - mm(12),
      size: 13,
      font: this.f.regular,
    });
    this.y = A4.h - M.top;
  }
  centred(text: string, font: PDFFont, size: number, x0: number, width: number, advance = size * 1.25): number {
    const t = nfc(text);
    const w = textWidth(font, t, size);
    this.page.drawText(t, { x: x0 + (width - w) / 2, y: this.y - size, size, font });
    this.y -= advance;
    return w;
  }
  rule(x0: number, width: number, lineWidth: number): void {
    this.page.drawLine({
      start: { x: x0 + (width - lineWidth) / 2, y: this.y - 1 },
      end: { x: x0 + (width + lineWidth) / 2, y: this.y - 1 },
      thickness: 0.6,
      color: rgb(0, 0, 0),
    });
    this.y -= 3;
  }
}

function wrapCentred(c: Cursor, text: string, font: PDFFont, size: number, x0: number, width: number): number {
  let widest = 0;
  for (const line of wrapText(text, font, size, width))
    widest = Math.max(widest, c.centred(line, font, size, x0, width));
  return widest;
}

/** A justified paragraph with a first-line indent (appendix I: 1–1.27 cm). */
function paragraph(c: Cursor, f: PdfFonts, text: string): void {
  const indent = mm(12.7);
  const words = nfc(text).split(/\s+/).filter(Boolean);
  const lines = words.length
    ? wrapWords(words, f.regular, BODY, (i) => (i === 0 ? CONTENT_W - indent : CONTENT_W))
    : [];
  lines.forEach((ws, i) => {
    c.need(LINE);
    const x0 = M.left + (i === 0 ? indent : 0);
    const avail = CONTENT_W - (i === 0 ? indent : 0);
    const last = i === lines.length - 1;
    const textW = ws.reduce((s, w) => s + textWidth(f.regular, w, BODY), 0);
    const gap = !last && ws.length > 1 ? (avail - textW) / (ws.length - 1) : textWidth(f.regular, ' ', BODY);
    let x = x0;
    for (const w of ws) {
      c.page.drawText(w, { x, y: c.y - BODY, size: BODY, font: f.regular });
      x += textWidth(f.regular, w, BODY) + gap;
    }
    c.y -= LINE;
  });
  c.y -= 4;
}

export async function renderDocumentPdf(input: RenderInput): Promise<RenderedPdf> {
  const doc = await PDFDocument.create();
  makePdfA(doc, { title: nfc(input.title ?? input.subject), createdAt: new Date(), language: 'vi-VN' });
  const f = embedFonts(doc);
  const c = new Cursor(doc, f);
  const top = c.y;

  // Left header column: governing body, issuing body (bold, ruled), number and notation (appendix I cells 2–3).
  if (input.governingBodyName)
    wrapCentred(c, input.governingBodyName.toUpperCase(), f.regular, 12.5, M.left, LEFT_COL_W);
  const w = wrapCentred(c, input.agencyName.toUpperCase(), f.bold, 12.5, M.left, LEFT_COL_W);
  c.rule(M.left, LEFT_COL_W, Math.min(w, mm(35)) * 0.6);
  c.y -= 8;
  // The blank after "Số:" is where the agency signature writes the number at issuance (art. 15, appendix I cell 3).
  const blank = /^(Số:)(\s+)\//.exec(nfc(input.numberLine));
  const lineY = c.y - 13;
  const lineW = c.centred(input.numberLine, f.regular, 13, M.left, LEFT_COL_W, 17);
  const numberSlot = blank
    ? {
        page: 1,
        x: M.left + (LEFT_COL_W - lineW) / 2 + textWidth(f.regular, blank[1], 13),
        y: lineY,
        size: 13,
        width: textWidth(f.regular, blank[2], 13),
      }
    : undefined;
  if (input.isLetter) wrapCentred(c, letterSubject(input.subject), f.regular, 12, M.left, LEFT_COL_W);
  const leftBottom = c.y;

  // Right header column: national name and motto (cell 1), place and date (cell 4).
  c.y = top;
  c.centred('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', f.bold, 12.5, RIGHT_COL_X, RIGHT_COL_W);
  const mw = c.centred('Độc lập - Tự do - Hạnh phúc', f.bold, 13.5, RIGHT_COL_X, RIGHT_COL_W);
  c.rule(RIGHT_COL_X, RIGHT_COL_W, mw);
  c.y -= 10;
  c.centred(input.placeDate, f.italic, 13.5, RIGHT_COL_X, RIGHT_COL_W);
  c.y = Math.min(c.y, leftBottom) - 6;

  // Urgency and secrecy marks (appendix I cells 10a/10b), below the number.
  for (const mark of [input.secrecyLabel, input.urgencyLabel].filter(Boolean) as string[]) {
    c.page.drawText(mark, { x: M.left + mm(10), y: c.y - 13, size: 13, font: f.bold, color: rgb(0.8, 0, 0) });
    c.y -= 18;
  }
  c.y -= 10;

  for (const d of input.directives) {
    if (d.kind === 'title') {
      c.need(20);
      c.centred(d.text.toUpperCase(), f.bold, 14, M.left, CONTENT_W, 18);
    } else if (d.kind === 'subtitle') {
      const sw = wrapCentred(c, d.text, f.bold, 14, M.left, CONTENT_W * 0.85);
      c.rule(M.left, CONTENT_W, Math.min(sw * 0.4, mm(40)));
      c.y -= 12;
    } else if (d.kind === 'center') {
      c.need(20);
      wrapCentred(c, d.text.toUpperCase(), f.bold, 14, M.left, CONTENT_W);
      c.y -= 6;
    } else if (d.kind === 'to') {
      for (const line of wrapText(d.text, f.regular, BODY, CONTENT_W - mm(20))) {
        c.need(LINE);
        c.page.drawText(line, { x: M.left + mm(20), y: c.y - BODY, size: BODY, font: f.regular });
        c.y -= LINE;
      }
      c.y -= 6;
    } else paragraph(c, f, d.text);
  }

  // Signer block (right, cell 7) and recipients (left, cell 9), side by side; kept together on one page.
  const recipientH = 16 + input.recipientLines.length * 13;
  const signerH = 3 * 18 + SIGNATURE_SPACE + 20;
  c.y -= 6;
  c.need(Math.max(recipientH, signerH));
  const blockTop = c.y;
  if (input.signer.authorityLine)
    c.centred(input.signer.authorityLine.toUpperCase(), f.bold, 13.5, RIGHT_COL_X, RIGHT_COL_W, 17);
  c.centred(input.signer.titleLine.toUpperCase(), f.bold, 13.5, RIGHT_COL_X, RIGHT_COL_W, 17);
  const rect: SignatureRect = {
    page: c.pages - 1,
    x: RIGHT_COL_X + (RIGHT_COL_W - mm(50)) / 2,
    y: c.y - SIGNATURE_SPACE,
    width: mm(50),
    height: SIGNATURE_SPACE,
  };
  c.y -= SIGNATURE_SPACE;
  c.centred(input.signer.name, f.bold, 14, RIGHT_COL_X, RIGHT_COL_W);

  c.y = blockTop;
  c.page.drawText('Nơi nhận:', { x: M.left, y: c.y - 12, size: 12, font: f.boldItalic });
  c.y -= 16;
  for (const line of input.recipientLines)
    for (const l of wrapText(line, f.regular, 11, LEFT_COL_W)) {
      c.page.drawText(l, { x: M.left, y: c.y - 11, size: 11, font: f.regular });
      c.y -= 13;
    }

  const bytes = await doc.save();
  return { pdf: Buffer.from(bytes), pageCount: doc.getPageCount(), signatureRect: rect, numberSlot };
}
