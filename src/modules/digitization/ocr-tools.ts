import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';

/** The external programs of digitization (Debian: ocrmypdf, tesseract-ocr-vie, poppler-utils). */
export interface OcrTools {
  ocrmypdf: boolean;
  vietnamese: boolean;
  pdftotext: boolean;
  pdfimages: boolean;
  /** the Python that runs ocrmypdf, for img2pdf (TIFF → PDF) */
  python: string | null;
}

export function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; input?: Buffer } = {},
): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: opts.timeoutMs ?? 600_000 },
      (err, stdout, stderr) => {
        if (err) {
          const tail = stderr.toString('utf8').trim().split('\n').slice(-3).join(' | ');
          reject(new Error(`${cmd} failed (${err.code ?? err.signal ?? 'error'}): ${tail || err.message}`));
        } else resolve({ stdout, stderr: stderr.toString('utf8') });
      },
    );
    if (opts.input) child.stdin?.end(opts.input);
  });
}

const works = (cmd: string, args: string[]) =>
  run(cmd, args, { timeoutMs: 20_000 }).then(
    (r) => r,
    () => null,
  );

export async function detectTools(): Promise<OcrTools> {
  const [ocr, langs, pdftotext, pdfimages] = await Promise.all([
    works('ocrmypdf', ['--version']),
    works('tesseract', ['--list-langs']),
    works('pdftotext', ['-v']),
    works('pdfimages', ['-v']),
  ]);
  let python: string | null = null;
  if (ocr) {
    try {
      const shebang = /^#!\s*(\S+)/.exec(readFileSync('/usr/bin/ocrmypdf', 'utf8').split('\n')[0]);
      python = shebang?.[1] ?? null;
    } catch {
      python = null;
    }
  }
  return {
    ocrmypdf: ocr !== null,
    vietnamese: !!langs && /^vie$/m.test(langs.stdout.toString('utf8') + langs.stderr),
    pdftotext: pdftotext !== null,
    pdfimages: pdfimages !== null,
    python,
  };
}

export type ScanKind = 'pdf' | 'png' | 'jpeg' | 'tiff';

export function scanKind(b: Buffer): ScanKind | null {
  if (b.length < 8) return null;
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (b.readUInt32BE(0) === 0x89504e47) return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  const tiff = b.subarray(0, 4).toString('latin1');
  if (tiff === 'II*\0' || tiff === 'MM\0*') return 'tiff';
  return null;
}

export const SCAN_MEDIA_TYPES: Record<ScanKind, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  tiff: 'image/tiff',
};

/** A PDF with a signature dictionary (PAdES/CMS): rewriting it would break every signature in it. */
export function isSignedPdf(b: Buffer): boolean {
  const s = b.toString('latin1');
  return /\/ByteRange\s*\[/.test(s) && /\/(Sig|DocTimeStamp)\b/.test(s);
}

/** Resolution an image file records (PNG pHYs, JPEG JFIF); null when it records none. */
export function imageDpi(b: Buffer, kind: 'png' | 'jpeg'): number | null {
  if (kind === 'png') {
    let at = 8;
    while (at + 12 <= b.length) {
      const len = b.readUInt32BE(at);
      const type = b.subarray(at + 4, at + 8).toString('latin1');
      if (type === 'pHYs' && len >= 9 && b[at + 16] === 1) return Math.round(b.readUInt32BE(at + 8) * 0.0254);
      if (type === 'IDAT' || type === 'IEND') return null;
      at += 12 + len;
    }
    return null;
  }
  // JFIF APP0: units 1 = dots per inch, 2 = per cm
  const app0 = b.indexOf(Buffer.from('JFIF\0', 'latin1'));
  if (app0 < 0 || app0 + 12 > b.length) return null;
  const units = b[app0 + 7];
  const x = b.readUInt16BE(app0 + 8);
  if (units === 1) return x;
  if (units === 2) return Math.round(x * 2.54);
  return null;
}

/**
 * Wraps a scanned image into a one-page PDF at the image's own resolution (a scan without one is laid out at
 * 72 dpi, so that it is flagged as below 200: the rule cannot be shown to be met). TIFF goes through img2pdf,
 * OCRmyPDF's own converter; without it a TIFF cannot be taken.
 */
export async function imageToPdf(b: Buffer, kind: Exclude<ScanKind, 'pdf'>, tools: OcrTools): Promise<Buffer | null> {
  if (kind === 'tiff') {
    if (!tools.python) return null;
    const out = await run(tools.python, ['-m', 'img2pdf', '-'], { input: b, timeoutMs: 120_000 }).catch(() => null);
    return out ? out.stdout : null;
  }
  const pdf = await PDFDocument.create();
  const image = kind === 'png' ? await pdf.embedPng(b) : await pdf.embedJpg(b);
  const dpi = imageDpi(b, kind) ?? 72;
  const w = (image.width * 72) / dpi;
  const h = (image.height * 72) / dpi;
  pdf.addPage([w, h]).drawImage(image, { x: 0, y: 0, width: w, height: h });
  return Buffer.from(await pdf.save());
}

/** Text of every page (pdftotext separates pages by form feeds). */
export async function pageTexts(pdfPath: string): Promise<string[]> {
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', pdfPath, '-'], { timeoutMs: 300_000 });
  const pages = stdout.toString('utf8').split('\f');
  if (pages.length > 1 && !pages[pages.length - 1].trim()) pages.pop();
  return pages;
}

/** Lowest resolution of the page images (pdfimages' x-ppi / y-ppi columns); null when there is no image. */
export async function lowestDpi(pdfPath: string): Promise<number | null> {
  const { stdout } = await run('pdfimages', ['-list', pdfPath], { timeoutMs: 120_000 });
  let min: number | null = null;
  for (const line of stdout.toString('utf8').split('\n').slice(2)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 14 || cols[2] !== 'image') continue;
    const x = Number(cols[12]);
    const y = Number(cols[13]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const dpi = Math.min(x, y);
    min = min === null ? dpi : Math.min(min, dpi);
  }
  return min;
}

/**
 * OCRmyPDF with Tesseract's Vietnamese model: deskew, page rotation, PDF/A-2b output. `--skip-text` leaves
 * pages that already carry text as they are; one job at a time per file (`--jobs 1`) so that OCR never takes
 * every core from the web requests.
 */
export async function ocrToPdfA(inPath: string, outPath: string, timeoutMs = 600_000): Promise<void> {
  await run(
    'ocrmypdf',
    [
      '-l',
      'vie',
      '--deskew',
      '--rotate-pages',
      '--skip-text',
      '--output-type',
      'pdfa-2',
      '--jobs',
      '1',
      '--quiet',
      inPath,
      outPath,
    ],
    { timeoutMs },
  );
}

let toolsOnce: Promise<OcrTools> | undefined;
/** The tools, looked for once per process. */
export const sharedTools = (): Promise<OcrTools> => (toolsOnce ??= detectTools());

/**
 * A received scan as the PDF the document shows: a PDF as it is (never rewritten: it may be signed), an image
 * (PNG, JPEG, TIFF) wrapped into a one-page PDF; null when the bytes are none of these (or a TIFF without img2pdf).
 */
export async function scanAsPdf(b: Buffer): Promise<{ pdf: Buffer; kind: ScanKind } | null> {
  const kind = scanKind(b);
  if (!kind) return null;
  if (kind === 'pdf') return { pdf: b, kind };
  const pdf = await imageToPdf(b, kind, await sharedTools()).catch(() => null);
  return pdf ? { pdf, kind } : null;
}
