import { makePdfA } from '../../common/pdfa.js';
import { PDFDocument, rgb } from 'pdf-lib';
import { embedFonts, mm, nfc, textWidth, wrapText } from './pdf-text.js';
import { registerTitle, type RegisterColumn } from './register-layouts.js';
import type { RegisterDirection } from './register.entity.js';
import { lazyRequire } from '../../common/lazy-require.js';

const excel = lazyRequire<typeof import('exceljs')>('exceljs');

export interface RegisterPrintout {
  agencyName: string;
  direction: RegisterDirection;
  registerName: string;
  year: number;
  periodText: string;
  columns: RegisterColumn[];
  rows: Record<string, string>[];
}

/** CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs read the Vietnamese correctly). */
export function registerCsv(p: RegisterPrintout): Buffer {
  const esc = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [p.columns.map((c) => esc(c.title)), ...p.rows.map((r) => p.columns.map((c) => esc(r[c.key] ?? '')))];
  return Buffer.from(`\ufeff${lines.map((l) => l.join(',')).join('\r\n')}\r\n`, 'utf8');
}

export async function registerXlsx(p: RegisterPrintout): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet(String(p.year), { pageSetup: { paperSize: 9, orientation: 'landscape' } });
  ws.addRow([nfc(p.agencyName)]);
  ws.addRow([registerTitle(p.direction)]);
  ws.addRow([`${nfc(p.registerName)} — ${nfc(p.periodText)}`]);
  ws.addRow([]);
  const header = ws.addRow(p.columns.map((c) => c.title));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  ws.addRow(p.columns.map((_, i) => `(${i + 1})`));
  for (const r of p.rows) ws.addRow(p.columns.map((c) => nfc(r[c.key] ?? ''))).alignment = { wrapText: true };
  p.columns.forEach((c, i) => (ws.getColumn(i + 1).width = Math.max(8, c.width * 1.4)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The printable register (Decree 30/2020, art. 16.2b and 22.3b: registers kept on the system are still printed
 * and bound): A4 landscape, a cover heading, then the appendix IV table with numbered columns.
 */
export async function registerPdf(p: RegisterPrintout): Promise<Buffer> {
  const doc = await PDFDocument.create();
  makePdfA(doc, { title: `${p.registerName} ${p.year}`, createdAt: new Date(), language: 'vi-VN' });
  const f = embedFonts(doc);
  const [W, H] = [mm(297), mm(210)];
  const margin = { left: mm(20), right: mm(15), top: mm(20), bottom: mm(15) };
  const tableWidth = W - margin.left - margin.right;
  const totalWeight = p.columns.reduce((s, c) => s + c.width, 0);
  const widths = p.columns.map((c) => (c.width / totalWeight) * tableWidth);
  const size = 9;
  const lineH = size * 1.25;
  let page = doc.addPage([W, H]);
  let y = H - margin.top;
  const center = (text: string, font = f.bold, s = 13) => {
    const t = nfc(text);
    page.drawText(t, { x: (W - textWidth(font, t, s)) / 2, y, size: s, font });
    y -= s * 1.5;
  };
  center(p.agencyName.toUpperCase(), f.bold, 12);
  center(registerTitle(p.direction), f.bold, 15);
  center(`${p.registerName} — ${p.periodText}`, f.italic, 11);
  y -= 6;

  const drawRow = (cells: string[], font = f.regular) => {
    const wrapped = cells.map((c, i) => wrapText(c, font, size, widths[i] - 4));
    const h = Math.max(1, ...wrapped.map((w) => w.length)) * lineH + 4;
    if (y - h < margin.bottom) {
      page = doc.addPage([W, H]);
      y = H - margin.top;
    }
    let x = margin.left;
    wrapped.forEach((lines, i) => {
      page.drawRectangle({ x, y: y - h, width: widths[i], height: h, borderColor: rgb(0, 0, 0), borderWidth: 0.5 });
      lines.forEach((line, j) => page.drawText(line, { x: x + 2, y: y - 2 - (j + 1) * lineH + 2, size, font }));
      x += widths[i];
    });
    y -= h;
  };
  drawRow(
    p.columns.map((c) => c.title),
    f.bold,
  );
  drawRow(p.columns.map((_, i) => `(${i + 1})`));
  for (const r of p.rows) drawRow(p.columns.map((c) => r[c.key] ?? ''));
  return Buffer.from(await doc.save());
}
