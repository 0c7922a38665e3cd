import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

/**
 * TrueType subsetting by HarfBuzz's hb-subset (the WebAssembly build shipped in npm `harfbuzzjs`: no imports, no
 * JavaScript glue), keeping every glyph at its id. A PDF that drew with the whole font's glyph ids then embeds
 * only the glyphs it drew (and their composite components) — ~20 KB of Tinos instead of ~550 KB — with nothing
 * else changed. Hinting and the layout tables (GSUB, GPOS, GDEF, kern) are dropped: a PDF's text is already laid
 * out, and viewers do not use them. pdf-lib's own subsetter (fontkit's) drops most of Tinos's glyphs.
 */
interface HbExports {
  memory: { buffer: ArrayBuffer };
  malloc(n: number): number;
  hb_blob_create(data: number, length: number, mode: number, user: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_or_fail(face: number, input: number): number;
}

const HB_MEMORY_MODE_READONLY = 1;
const FLAGS = {
  NO_HINTING: 0x1,
  RETAIN_GIDS: 0x2,
  NOTDEF_OUTLINE: 0x40,
  NO_LAYOUT_CLOSURE: 0x200,
};
const SETS = { GLYPH_INDEX: 0, DROP_TABLE_TAG: 3 };
const DROPPED_TABLES = ['GSUB', 'GPOS', 'GDEF', 'kern', 'DSIG', 'gasp', 'hdmx', 'LTSH', 'VDMX'];
const tag = (s: string) =>
  ((s.charCodeAt(0) << 24) | (s.charCodeAt(1) << 16) | (s.charCodeAt(2) << 8) | s.charCodeAt(3)) >>> 0;

/** Node's WebAssembly global (this project's TypeScript libraries do not declare it). */
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

let compiled: object | undefined;
/** The live HarfBuzz instance and the fonts loaded into it; dropped when idle (its 65 MB of memory with it). */
let live: { h: HbExports; faces: Map<Uint8Array, number> } | undefined;
let idle: NodeJS.Timeout | undefined;
/** An instance's memory stays at its high-water mark (~65–80 MB after a few thousand subsets): freed after this. */
const SUBSET_IDLE_MS = 15_000;

/**
 * WebAssembly is compiled by V8's baseline compiler (Liftoff) only, never tiered up to TurboFan: subsetting costs the
 * same (0.41–0.45 ms of CPU per subset either way, 1,800 subsets after 200 of warm-up), but TurboFan's compilations of
 * HarfBuzz's hot functions left ~40 MB more resident in each process that signs (127 → 87 MB RSS after 2,000
 * subsets), memory that stays after the instance is dropped. The flag is the isolate's and is set before the first
 * compilation; the only other WebAssembly a server runs is Node's own HTTP parser for fetch (llhttp).
 */
function compileHarfBuzz(): object {
  setFlagsFromString('--liftoff-only');
  return new wasmApi.Module(readFileSync(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm')));
}

function harfbuzz(): { h: HbExports; faces: Map<Uint8Array, number> } {
  compiled ??= compileHarfBuzz();
  live ??= { h: new wasmApi.Instance(compiled, {}).exports as HbExports, faces: new Map() };
  clearTimeout(idle);
  idle = setTimeout(() => (live = undefined), SUBSET_IDLE_MS).unref();
  return live;
}

/**
 * `bytes` (a TrueType font) with only `glyphIds` (and .notdef, and the components of composite glyphs), each at
 * its own id. The font is loaded into HarfBuzz once per instance, found by the identity of `bytes`.
 */
export function subsetFont(bytes: Uint8Array, glyphIds: Iterable<number>): Uint8Array {
  const { h, faces } = harfbuzz();
  let face = faces.get(bytes);
  if (face === undefined) faces.set(bytes, (face = load(h, bytes)));
  const input = h.hb_subset_input_create_or_fail();
  if (!input) throw new Error('hb_subset_input_create_or_fail');
  try {
    const glyphs = h.hb_subset_input_set(input, SETS.GLYPH_INDEX);
    for (const id of glyphIds) h.hb_set_add(glyphs, id);
    const drop = h.hb_subset_input_set(input, SETS.DROP_TABLE_TAG);
    for (const t of DROPPED_TABLES) h.hb_set_add(drop, tag(t));
    h.hb_subset_input_set_flags(
      input,
      FLAGS.NO_HINTING | FLAGS.RETAIN_GIDS | FLAGS.NOTDEF_OUTLINE | FLAGS.NO_LAYOUT_CLOSURE,
    );
    const result = h.hb_subset_or_fail(face, input);
    if (!result) throw new Error('hb_subset_or_fail: the font could not be subset');
    const blob = h.hb_face_reference_blob(result);
    try {
      const at = h.hb_blob_get_data(blob, 0);
      return new Uint8Array(h.memory.buffer, at, h.hb_blob_get_length(blob)).slice();
    } finally {
      h.hb_blob_destroy(blob);
      h.hb_face_destroy(result);
    }
  } finally {
    h.hb_subset_input_destroy(input);
  }
}

function load(h: HbExports, bytes: Uint8Array): number {
  const at = h.malloc(bytes.length);
  if (!at) throw new Error('HarfBuzz: out of memory loading a font');
  new Uint8Array(h.memory.buffer, at, bytes.length).set(bytes);
  const blob = h.hb_blob_create(at, bytes.length, HB_MEMORY_MODE_READONLY, 0, 0);
  const face = h.hb_face_create(blob, 0);
  h.hb_blob_destroy(blob); // the face keeps its own reference
  return face;
}
