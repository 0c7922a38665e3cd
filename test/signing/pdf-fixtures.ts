import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fontkit from '@pdf-lib/fontkit';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, rgb } from 'pdf-lib';

const TINOS = join(
  dirname(require.resolve('@expo-google-fonts/tinos/package.json')),
  '400Regular/Tinos_400Regular.ttf',
);

/** A multi-page A4 document with Vietnamese text, like a generated outgoing document. */
export async function makePdf(pages = 3, opts: { objectStreams?: boolean } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(TINOS), { subset: false }); // pdf-lib 1.17 subsetting drops Tinos glyphs;
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText('ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH'.normalize('NFC'), { x: 60, y: 780, size: 13, font });
    page.drawText(`Quyết định về việc thử nghiệm ký số — trang ${i}/${pages}`.normalize('NFC'), {
      x: 60,
      y: 740,
      size: 12,
      font,
      color: rgb(0, 0, 0),
    });
    for (let l = 0; l < 30; l++)
      page.drawText(`Dòng ${l + 1}: nội dung văn bản hành chính có dấu tiếng Việt đầy đủ.`.normalize('NFC'), {
        x: 60,
        y: 700 - l * 18,
        size: 11,
        font,
      });
    if (i === pages) {
      page.drawText('CHỦ TỊCH'.normalize('NFC'), { x: 390, y: 210, size: 12, font });
      page.drawText('Nguyễn Văn Ký'.normalize('NFC'), { x: 385, y: 120, size: 12, font });
    }
  }
  return Buffer.from(await doc.save({ useObjectStreams: opts.objectStreams ?? true }));
}

export const PDFSIG = process.env.HOSO_PDFSIG;

/** Runs poppler's pdfsig on the bytes; returns its stdout (it exits non-zero for untrusted issuers too). */
export function pdfsig(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-pdfsig-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync(PDFSIG!, [file], { encoding: 'utf8' });
    return `${r.stdout}\n${r.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pdfsig's blocks, one per signature, in file order. */
export function pdfsigBlocks(out: string): string[] {
  return out.split(/^Signature #\d+:/m).slice(1);
}

/** poppler's pdftotext (HOSO_PDFTOTEXT, else /usr/bin/pdftotext when installed). */
export const PDFTOTEXT =
  process.env.HOSO_PDFTOTEXT ?? (existsSync('/usr/bin/pdftotext') ? '/usr/bin/pdftotext' : undefined);

/** The text of one page (1-based) as poppler extracts it, annotation appearances included. */
export function pdftotext(pdf: Buffer, page = 1): string {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-pdftotext-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync(PDFTOTEXT!, ['-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
    return r.stdout.normalize('NFC');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** poppler's pdffonts / qpdf, when installed (poppler-utils, qpdf). */
export const PDFFONTS = existsSync('/usr/bin/pdffonts') ? '/usr/bin/pdffonts' : undefined;
export const QPDF = existsSync('/usr/bin/qpdf') ? '/usr/bin/qpdf' : undefined;

function runOnFile(bin: string, args: string[], pdf: Buffer): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-pdftool-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync(bin, [...args, file], { encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fonts pdffonts lists (pages and annotation appearances): name, embedded, subset, ToUnicode. */
export function pdffonts(pdf: Buffer): { name: string; emb: boolean; sub: boolean; uni: boolean }[] {
  const { status, out } = runOnFile(PDFFONTS!, [], pdf);
  if (status !== 0) throw new Error(`pdffonts failed: ${out}`);
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() && !l.startsWith('-'))
    .map((l) => {
      const m = /^(\S+)\s.*\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/.exec(l);
      if (!m) throw new Error(`unreadable pdffonts line: ${l}`);
      return { name: m[1], emb: m[2] === 'yes', sub: m[3] === 'yes', uni: m[4] === 'yes' };
    });
}

/** qpdf --check: exit status 0 and no warnings. */
export function qpdfCheck(pdf: Buffer): { ok: boolean; out: string } {
  const { status, out } = runOnFile(QPDF!, ['--check'], pdf);
  return { ok: status === 0 && !/WARNING/i.test(out), out };
}

/**
 * The PDF/A-2b rules hoso's tests check (veraPDF cannot be installed here): XMP metadata naming part 2 level B
 * (ISO 19005-2 §6.6.4), an output intent GTS_PDFA1 with an ICC profile (§6.2.3), a file identifier (§6.1.3), no
 * DeviceCMYK operators in page contents, every annotation with the Print flag, without Hidden, and with an
 * appearance (§6.3.3). Fonts are checked with pdffonts. Returns the rules broken.
 */
export async function pdfaProblems(pdf: Buffer): Promise<string[]> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const problems: string[] = [];
  const meta = doc.catalog.lookup(PDFName.of('Metadata'));
  const xmp = meta instanceof PDFRawStream ? Buffer.from(meta.contents).toString('utf8') : '';
  if (!/<pdfaid:part>2<\/pdfaid:part>/.test(xmp) || !/<pdfaid:conformance>B<\/pdfaid:conformance>/.test(xmp))
    problems.push('no XMP PDF/A-2B identification');
  const intent = doc.catalog.lookupMaybe(PDFName.of('OutputIntents'), PDFArray)?.lookupMaybe(0, PDFDict);
  if (
    !intent ||
    intent.get(PDFName.of('S')) !== PDFName.of('GTS_PDFA1') ||
    !intent.get(PDFName.of('DestOutputProfile'))
  )
    problems.push('no GTS_PDFA1 output intent with an ICC profile');
  if (!doc.context.trailerInfo.ID) problems.push('no file identifier');
  if (pdf.includes('/DeviceCMYK')) problems.push('DeviceCMYK used');
  for (const [i, page] of doc.getPages().entries())
    for (const ref of page.node.lookupMaybe(PDFName.of('Annots'), PDFArray)?.asArray() ?? []) {
      const a = doc.context.lookup(ref, PDFDict);
      const f = (a.get(PDFName.of('F')) as PDFNumber | undefined)?.asNumber() ?? 0;
      if (!(f & 4) || f & 2) problems.push(`page ${i + 1}: annotation without Print or hidden`);
      const r = a
        .lookupMaybe(PDFName.of('Rect'), PDFArray)
        ?.asArray()
        .map((n) => (n as PDFNumber).asNumber());
      const empty = !!r && r[0] === r[2] && r[1] === r[3];
      if (!a.get(PDFName.of('AP')) && !empty) problems.push(`page ${i + 1}: annotation without appearance`);
    }
  return problems;
}
