import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { makePdfA } from '../../../common/pdfa.js';
import { embedTinos } from '../../../common/tinos-fonts.js';
import { nfc, textWidth, wrapText } from '../../registers/index.js';

/**
 * Renders the archival lists of Decree 30/2020 appendix V (document index, transfer list, handover minutes)
 * as A4 landscape PDFs in Tinos (Times New Roman metrics, Vietnamese; each PDF embeds the glyphs it drew).
 */
export interface TableColumn {
  header: string;
  width: number;
  align?: 'left' | 'center';
}

export interface TablePdf {
  heading: string[];
  title: string;
  subtitle?: string[];
  columns: TableColumn[];
  rows: string[][];
  footer?: string[];
  createdAt: Date;
}

const W = 842;
const H = 595;
const MARGIN = 40;
const SIZE = 10;
const LINE = 12.5;

export async function newPdf(
  createdAt: Date,
  title: string,
): Promise<{ doc: PDFDocument; regular: PDFFont; bold: PDFFont }> {
  const doc = await PDFDocument.create();
  makePdfA(doc, { title, createdAt, language: 'vi-VN' });
  const regular = embedTinos(doc, 'regular');
  const bold = embedTinos(doc, 'bold');
  return { doc, regular, bold };
}

export function centered(page: PDFPage, text: string, y: number, font: PDFFont, size: number, width = W): void {
  const t = nfc(text);
  page.drawText(t, { x: (width - textWidth(font, t, size)) / 2, y, size, font });
}

export async function renderTablePdf(spec: TablePdf): Promise<Buffer> {
  const { doc, regular, bold } = await newPdf(spec.createdAt, spec.title);
  const usable = W - 2 * MARGIN;
  const total = spec.columns.reduce((s, c) => s + c.width, 0);
  const widths = spec.columns.map((c) => (c.width / total) * usable);
  let page = doc.addPage([W, H]);
  let y = H - MARGIN;
  for (const h of spec.heading) {
    page.drawText(nfc(h), { x: MARGIN, y, size: SIZE, font: bold });
    y -= LINE;
  }
  y -= 8;
  centered(page, spec.title, y, bold, 14);
  y -= 18;
  for (const s of spec.subtitle ?? []) {
    centered(page, s, y, regular, 11);
    y -= 14;
  }
  y -= 6;
  const drawRow = (cells: string[], font: PDFFont) => {
    const wrapped = cells.map((c, i) => wrapText(c ?? '', font, SIZE, widths[i] - 6));
    const height = Math.max(...wrapped.map((w) => w.length)) * LINE + 4;
    if (y - height < MARGIN) {
      page = doc.addPage([W, H]);
      y = H - MARGIN;
    }
    let x = MARGIN;
    wrapped.forEach((lines, i) => {
      page.drawRectangle({ x, y: y - height, width: widths[i], height, borderColor: rgb(0, 0, 0), borderWidth: 0.5 });
      lines.forEach((l, k) => {
        const tx = spec.columns[i].align === 'center' ? x + (widths[i] - textWidth(font, l, SIZE)) / 2 : x + 3;
        page.drawText(l, { x: tx, y: y - LINE * (k + 1) + 2, size: SIZE, font });
      });
      x += widths[i];
    });
    y -= height;
  };
  drawRow(
    spec.columns.map((c) => c.header),
    bold,
  );
  drawRow(
    spec.columns.map((_, i) => `(${i + 1})`),
    regular,
  );
  for (const r of spec.rows) drawRow(r, regular);
  y -= 10;
  for (const f of spec.footer ?? []) {
    for (const l of wrapText(f, regular, 11, usable)) {
      if (y - 14 < MARGIN) {
        page = doc.addPage([W, H]);
        y = H - MARGIN;
      }
      page.drawText(l, { x: MARGIN, y, size: 11, font: regular });
      y -= 14;
    }
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
