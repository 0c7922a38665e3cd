import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';

const TINOS = join(
  dirname(require.resolve('@expo-google-fonts/tinos/package.json')),
  '400Regular/Tinos_400Regular.ttf',
);

/** A letter: one array of lines per page, drawn in Tinos at a size OCR reads at 300 dpi. */
export async function makeLetter(pages: string[][]): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(TINOS), { subset: false });
  for (const lines of pages) {
    const page = doc.addPage([595.28, 841.89]);
    lines.forEach((line, i) => page.drawText(line.normalize('NFC'), { x: 60, y: 770 - i * 30, size: 16, font }));
  }
  return doc;
}

export async function letterPdf(pages: string[][]): Promise<Buffer> {
  return Buffer.from(await (await makeLetter(pages)).save());
}

/** The letter printed and scanned: its one page rendered to a PNG at `dpi` (poppler's pdftoppm). */
export function scanOf(pdf: Buffer, dpi: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-scan-'));
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    execFileSync('pdftoppm', [
      '-r',
      String(dpi),
      '-png',
      '-gray',
      '-singlefile',
      join(dir, 'in.pdf'),
      join(dir, 'out'),
    ]);
    return readFileSync(join(dir, 'out.png'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A PDF signed with a throw-away certificate (openssl) through @signpdf: a CMS signature over a byte range. */
export async function signedLetter(pages: string[][]): Promise<Buffer> {
  const doc = await makeLetter(pages);
  pdflibAddPlaceholder({ pdfDoc: doc, reason: 'test', contactInfo: '', name: 'Test', location: 'Hà Tĩnh' });
  const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
  const dir = mkdtempSync(join(tmpdir(), 'hoso-p12-'));
  try {
    const key = join(dir, 'k.pem');
    const crt = join(dir, 'c.pem');
    const p12 = join(dir, 'c.p12');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-subj', '/CN=Test', '-days', '2'],
      { stdio: 'ignore' },
    );
    execFileSync(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-inkey',
        key,
        '-in',
        crt,
        '-out',
        p12,
        '-passout',
        'pass:',
        '-certpbe',
        'PBE-SHA1-3DES',
        '-keypbe',
        'PBE-SHA1-3DES',
        '-macalg',
        'sha1',
      ],
      { stdio: 'ignore' },
    );
    return Buffer.from(await new SignPdf().sign(pdf, new P12Signer(readFileSync(p12))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
