import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import type * as Fontkit from '@pdf-lib/fontkit';
import { Cache, CustomFontEmbedder, PDFFont, PDFHexString, toHexStringOfMinLength, typedArrayFor } from 'pdf-lib';
import type { PDFDocument } from 'pdf-lib';
import type { Font, Glyph } from 'pdf-lib/cjs/types/fontkit.js';
import { subsetFont } from './font-subset.js';
import { lazyRequire } from './lazy-require.js';

const fontkit = lazyRequire<typeof Fontkit>('@pdf-lib/fontkit');

/**
 * Tinos (metric-compatible with Times New Roman, full Vietnamese coverage, from @expo-google-fonts/tinos): the one
 * typeface of every PDF hoso makes (documents, registers, archive lists, signature appearances).
 *
 * Each font is read and parsed once per process. A PDF embeds only the glyphs it drew, at their ids in the whole
 * font (HarfBuzz subsetting, common/font-subset.ts), with widths and the ToUnicode map of those glyphs only.
 * Before, every PDF parsed its four fonts anew and embedded each whole (~550 KB, compressed by pako, pure
 * JavaScript): a one-page decision was 1.25 MB and took ~720 ms of CPU to render, ~half the server's CPU in the
 * outgoing-document flow (profile of `bench:outgoing-flow`: fontkit 27 %, pako 26 % of the busy time).
 */
const TINOS_FILES = {
  regular: '400Regular/Tinos_400Regular.ttf',
  bold: '700Bold/Tinos_700Bold.ttf',
  italic: '400Regular_Italic/Tinos_400Regular_Italic.ttf',
  boldItalic: '700Bold_Italic/Tinos_700Bold_Italic.ttf',
} as const;
export type TinosStyle = keyof typeof TINOS_FILES;

interface Loaded {
  bytes: Buffer;
  font?: Fontkit.Font;
}
const loaded = new Map<TinosStyle, Loaded>();

function load(style: TinosStyle): Loaded {
  let l = loaded.get(style);
  if (!l) {
    l = { bytes: readFileSync(require.resolve(`@expo-google-fonts/tinos/${TINOS_FILES[style]}`)) };
    loaded.set(style, l);
  }
  return l;
}

/** The whole font file. */
export function tinosBytes(style: TinosStyle): Buffer {
  return load(style).bytes;
}

/** The parsed font, shared by every caller in this process (a fontkit font only caches what it computed). */
export function tinosFont(style: TinosStyle): Fontkit.Font {
  const l = load(style);
  return (l.font ??= fontkit().create(l.bytes));
}

/**
 * pdf-lib's embedding of a whole TrueType font (CIDs = glyph ids, Identity-H), narrowed to the glyphs the document
 * drew: they are recorded as text is encoded, and the font file, the widths and the ToUnicode map cover them only.
 */
class TinosEmbedder extends CustomFontEmbedder {
  private readonly used = new Map<number, Pick<Glyph, 'id' | 'advanceWidth' | 'codePoints'>>();

  constructor(private readonly style: TinosStyle) {
    // A subset's name carries a six-letter tag (ISO 32000-1 §9.6.4), which PDF/A validators and pdffonts expect.
    super(tinosFont(style) as unknown as Font, tinosBytes(style), `${subsetTag()}+${tinosFont(style).postscriptName}`);
    this.glyphCache = Cache.populatedBy(() => [...this.used.values()].sort((a, b) => a.id - b.id) as Glyph[]);
  }

  override encodeText(text: string): PDFHexString {
    let hex = '';
    for (const glyph of this.font.layout(text, this.fontFeatures).glyphs) {
      if (!this.used.has(glyph.id)) this.used.set(glyph.id, this.recorded(glyph));
      hex += toHexStringOfMinLength(glyph.id, 4);
    }
    this.glyphCache.invalidate();
    return PDFHexString.of(hex);
  }

  /**
   * The glyph with the characters it stands for, for the ToUnicode map. fontkit keeps one Glyph object per id for
   * the whole (shared) font, made by whoever asked first: drawing a composite glyph's outline (Ở = Ơ + hook, the
   * seal's and the signature's glyph paths) creates its components with no characters, and every later PDF then
   * mapped Ơ, U, O to nothing (pdftotext read "HỒ S" for "HỒ SƠ"). Such glyphs take their characters from the
   * font's own cmap.
   */
  private recorded(glyph: Glyph): Pick<Glyph, 'id' | 'advanceWidth' | 'codePoints'> {
    let codePoints = glyph.codePoints;
    if (!codePoints.length) {
      const cmap = (this.font as unknown as { _cmapProcessor?: { codePointsForGlyph(id: number): number[] } })
        ._cmapProcessor;
      codePoints = (cmap?.codePointsForGlyph(glyph.id) ?? []).slice(0, 1);
    }
    return { id: glyph.id, advanceWidth: glyph.advanceWidth, codePoints };
  }

  protected override async serializeFont(): Promise<Uint8Array> {
    return subsetFont(tinosBytes(this.style), this.used.keys());
  }
}

const subsetTag = () => Array.from(randomBytes(6), (b) => String.fromCharCode(65 + (b % 26))).join('');

const prepared = new WeakSet<PDFDocument>();

/** Embeds a Tinos style into `doc` (embedded at `doc.save()` like pdf-lib's own `embedFont`). */
export function embedTinos(doc: PDFDocument, style: TinosStyle): PDFFont {
  if (!prepared.has(doc)) {
    prepared.add(doc);
    // Flate streams (the font file, ToUnicode maps) compressed by node's zlib: same format as pako's, native.
    const context = doc.context;
    context.flateStream = (contents, dict = {}) =>
      context.stream(deflateSync(typedArrayFor(contents)), { ...dict, Filter: 'FlateDecode' });
  }
  const font = PDFFont.of(doc.context.nextRef(), doc, new TinosEmbedder(style));
  // what PDFDocument.embedFont does with the fonts it makes: save() embeds each one used
  const fonts = (doc as unknown as { fonts?: PDFFont[] }).fonts;
  if (!Array.isArray(fonts)) throw new Error('pdf-lib: PDFDocument.fonts not found (pdf-lib changed?)');
  fonts.push(font);
  return font;
}
