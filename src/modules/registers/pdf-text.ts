import { readFileSync } from 'node:fs';
import { lazyRequire } from '../../common/lazy-require.js';
import type { PDFDocument, PDFFont } from 'pdf-lib';

const fontkit = lazyRequire<typeof import('@pdf-lib/fontkit')>('@pdf-lib/fontkit');

/**
 * Shared PDF text helpers: Tinos (metric-compatible with Times New Roman, full Vietnamese coverage, from
 * @expo-google-fonts/tinos) embedded as a subset, and line wrapping. pdf-lib does no shaping, so every string
 * is NFC-normalised before measuring or drawing (stack trap 12).
 */
export interface PdfFonts {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
  boldItalic: PDFFont;
}

const FONT_FILES = {
  regular: '400Regular/Tinos_400Regular.ttf',
  bold: '700Bold/Tinos_700Bold.ttf',
  italic: '400Regular_Italic/Tinos_400Regular_Italic.ttf',
  boldItalic: '700Bold_Italic/Tinos_700Bold_Italic.ttf',
} as const;

const cache = new Map<string, Buffer>();
function fontBytes(file: string): Buffer {
  let b = cache.get(file);
  if (!b) {
    b = readFileSync(require.resolve(`@expo-google-fonts/tinos/${file}`));
    cache.set(file, b);
  }
  return b;
}

export async function embedFonts(doc: PDFDocument): Promise<PdfFonts> {
  doc.registerFontkit(fontkit());
  const embed = (k: keyof typeof FONT_FILES) => doc.embedFont(fontBytes(FONT_FILES[k]), { subset: false });
  return {
    regular: await embed('regular'),
    bold: await embed('bold'),
    italic: await embed('italic'),
    boldItalic: await embed('boldItalic'),
  };
}

export const nfc = (s: string | null | undefined): string => (s ?? '').normalize('NFC');

/** Greedy word wrap; words longer than the width are broken by characters. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  for (const para of nfc(text).split(/\r?\n/)) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) out.push(line);
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width && rest.length > 1) {
        let cut = rest.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
        out.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    out.push(line);
  }
  return out;
}

/** Millimetres to PDF points. */
export const mm = (v: number): number => (v * 72) / 25.4;
