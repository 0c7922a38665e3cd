import type { PDFDocument, PDFFont } from 'pdf-lib';
import { embedTinos, type TinosStyle } from '../../common/tinos-fonts.js';

/**
 * Shared PDF text helpers: Tinos (common/tinos-fonts.ts: each PDF embeds the glyphs it drew) and line wrapping.
 * pdf-lib does no shaping, so every string is NFC-normalised before measuring or drawing (stack trap 12).
 */
export type PdfFonts = Record<TinosStyle, PDFFont>;

export function embedFonts(doc: PDFDocument): PdfFonts {
  return {
    regular: embedTinos(doc, 'regular'),
    bold: embedTinos(doc, 'bold'),
    italic: embedTinos(doc, 'italic'),
    boldItalic: embedTinos(doc, 'boldItalic'),
  };
}

export const nfc = (s: string | null | undefined): string => (s ?? '').normalize('NFC');

/**
 * Width of `text` in `font` at `size`. pdf-lib has fontkit lay out (GSUB/GPOS) every string it measures, ~0.1 ms
 * for a word of Tinos; each string is measured once per process and font (the width is linear in the size).
 */
export function textWidth(font: PDFFont, text: string, size: number): number {
  let own = widths.get(font.name);
  if (!own) widths.set(font.name, (own = new Map()));
  let w = own.get(text);
  if (w === undefined) {
    if (own.size >= WIDTHS_KEPT) own.clear();
    own.set(text, (w = font.widthOfTextAtSize(text, 1000)));
  }
  return (w * size) / 1000;
}
const WIDTHS_KEPT = 50_000;
const widths = new Map<string, Map<string, number>>();

/**
 * Greedy word wrap of one paragraph's words into lines (`width(i)`: the width of line i, for a first-line indent);
 * a word longer than its line is broken by characters. A line's width is the sum of its words and spaces,
 * measured exactly (as one string) only when that sum comes within a point of the limit — measuring every
 * candidate line as a whole made wrapping quadratic in the paragraph's length.
 */
export function wrapWords(words: string[], font: PDFFont, size: number, width: (line: number) => number): string[][] {
  const lines: string[][] = [];
  const space = textWidth(font, ' ', size);
  let line: string[] = [];
  let used = 0;
  for (const word of words) {
    const limit = width(lines.length);
    const ww = textWidth(font, word, size);
    const candidate = line.length ? used + space + ww : ww;
    const fits =
      candidate <= limit - 1 || (candidate <= limit + 1 && textWidth(font, [...line, word].join(' '), size) <= limit);
    if (fits) {
      line.push(word);
      used = candidate;
      continue;
    }
    if (line.length) lines.push(line);
    let rest = word;
    while (rest.length > 1 && textWidth(font, rest, size) > width(lines.length)) {
      let cut = rest.length - 1;
      while (cut > 1 && textWidth(font, rest.slice(0, cut), size) > width(lines.length)) cut--;
      lines.push([rest.slice(0, cut)]);
      rest = rest.slice(cut);
    }
    line = [rest];
    used = textWidth(font, rest, size);
  }
  lines.push(line);
  return lines;
}

/** Greedy word wrap of a text's paragraphs (one line each at least); words longer than the width are broken. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  return nfc(text)
    .split(/\r?\n/)
    .flatMap((para) => wrapWords(para.split(/\s+/).filter(Boolean), font, size, () => width).map((l) => l.join(' ')));
}

/** Millimetres to PDF points. */
export const mm = (v: number): number => (v * 72) / 25.4;
