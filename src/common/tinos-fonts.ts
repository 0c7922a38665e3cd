import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import type * as Fontkit from '@pdf-lib/fontkit';
import { typedArrayFor, type PDFDocument } from 'pdf-lib';
import { lazyRequire } from './lazy-require.js';

const fontkit = lazyRequire<typeof Fontkit>('@pdf-lib/fontkit');

/**
 * Tinos (metric-compatible with Times New Roman, full Vietnamese coverage, from @expo-google-fonts/tinos): the one
 * typeface of every PDF hoso makes (documents, registers, archive lists, signature appearances).
 *
 * Each font is read and parsed once per process and its compressed stream made once. Every PDF used to read its
 * four fonts anew: fontkit parsed each (and its layout tables, lazily, again for every document) and pdf-lib
 * compressed each whole font (~550 KB) with pako, pure-JavaScript zlib — together ~half the server's CPU in the
 * outgoing-document flow (profile of `bench:outgoing-flow`: fontkit 27 %, pako 26 % of the busy time).
 */
export const TINOS_FILES = {
  regular: '400Regular/Tinos_400Regular.ttf',
  bold: '700Bold/Tinos_700Bold.ttf',
  italic: '400Regular_Italic/Tinos_400Regular_Italic.ttf',
  boldItalic: '700Bold_Italic/Tinos_700Bold_Italic.ttf',
} as const;
export type TinosStyle = keyof typeof TINOS_FILES;

interface Loaded {
  bytes: Buffer;
  font?: Fontkit.Font;
  deflated?: Uint8Array;
}
const loaded = new Map<TinosStyle, Loaded>();
const byBytes = new WeakMap<Uint8Array, Loaded>();

function load(style: TinosStyle): Loaded {
  let l = loaded.get(style);
  if (!l) {
    l = { bytes: readFileSync(require.resolve(`@expo-google-fonts/tinos/${TINOS_FILES[style]}`)) };
    loaded.set(style, l);
    byBytes.set(l.bytes, l);
  }
  return l;
}

/** The font file (the same Buffer every time: pdf-lib's embedding finds its parsed font and stream by it). */
export function tinosBytes(style: TinosStyle): Buffer {
  return load(style).bytes;
}

/** The parsed font, shared by every caller in this process (fontkit fonts only cache what they computed). */
export function tinosFont(style: TinosStyle): Fontkit.Font {
  const l = load(style);
  return (l.font ??= fontkit().create(l.bytes));
}

/**
 * Prepares a pdf-lib document for Tinos: its fontkit hands back the process's parsed fonts, and its Flate streams
 * are compressed by node's zlib (same zlib format as pako, native) — the font files once per process.
 */
export function useTinos(doc: PDFDocument): void {
  doc.registerFontkit({
    create: (data: Uint8Array, postscriptName?: string) => {
      const l = byBytes.get(data);
      return l && !postscriptName ? (l.font ??= fontkit().create(l.bytes)) : fontkit().create(data, postscriptName);
    },
  } as typeof Fontkit);
  const context = doc.context;
  context.flateStream = (contents, dict = {}) => {
    const l = typeof contents === 'string' ? undefined : byBytes.get(contents);
    const deflated = l ? (l.deflated ??= deflateSync(l.bytes)) : deflateSync(typedArrayFor(contents));
    return context.stream(deflated, { ...dict, Filter: 'FlateDecode' });
  };
}
