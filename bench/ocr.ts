import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { imageToPdf, ocrToPdfA, sharedTools } from '../src/modules/digitization/ocr-tools.js';
import { RESULTS_DIR } from './support/server.js';

/**
 * npm run bench:ocr: pages per minute of OCR, in the same run on the same files, (a) raw `ocrmypdf` with the
 * queue's own arguments, one file after another, and (b) through hoso: scans registered as incoming letters over
 * HTTP, the digitization queue (one job at a time) OCRing them into PDF/A and indexing their text, until every job
 * is done. BENCH_OCR_FILES (default 4) one-page A4 letters rendered at 300 dpi (pdftoppm), grey PNG.
 */
const FILES = Number(process.env.BENCH_OCR_FILES ?? 4);
const TINOS = join(
  dirname(require.resolve('@expo-google-fonts/tinos/package.json')),
  '400Regular/Tinos_400Regular.ttf',
);
const LINES = [
  'ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH',
  'QUYẾT ĐỊNH',
  'Về việc ban hành kế hoạch chuyển đổi số năm 2027',
  'Căn cứ Luật Tổ chức chính quyền địa phương;',
  'Xét đề nghị của Giám đốc Sở Nội vụ,',
  'Điều 1. Ban hành kèm theo Quyết định này Kế hoạch',
  'Điều 2. Quyết định có hiệu lực kể từ ngày ký.',
  'Điều 3. Chánh Văn phòng, Giám đốc các Sở chịu trách nhiệm thi hành.',
];

async function scan(i: number, dir: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(TINOS), { subset: false });
  const page = doc.addPage([595.28, 841.89]);
  [...LINES, `Số thứ tự ${i + 1}`].forEach((l, k) =>
    page.drawText(l.normalize('NFC'), { x: 60, y: 770 - k * 28, size: 14, font }),
  );
  writeFileSync(join(dir, `l${i}.pdf`), await doc.save());
  execFileSync('pdftoppm', ['-r', '300', '-png', '-gray', '-singlefile', join(dir, `l${i}.pdf`), join(dir, `s${i}`)]);
  return readFileSync(join(dir, `s${i}.png`));
}

async function main(): Promise<void> {
  const tools = await sharedTools();
  if (!tools.ocrmypdf || !tools.vietnamese) throw new Error('ocrmypdf and tesseract-ocr-vie are needed');
  const dir = mkdtempSync(join(tmpdir(), 'hoso-bench-ocr-'));
  try {
    const scans = await Promise.all(Array.from({ length: FILES }, (_, i) => scan(i, dir)));
    // (a) raw ocrmypdf on the PDFs the queue would give it
    const raw0 = Date.now();
    for (let i = 0; i < FILES; i++) {
      const pdf = await imageToPdf(scans[i], 'png', tools);
      writeFileSync(join(dir, `in${i}.pdf`), pdf!);
      await ocrToPdfA(join(dir, `in${i}.pdf`), join(dir, `out${i}.pdf`));
    }
    const rawSeconds = (Date.now() - raw0) / 1000;
    console.log(`raw ocrmypdf: ${FILES} pages in ${rawSeconds.toFixed(1)} s`);

    // (b) through hoso: HTTP registration, the durable queue, OCR, text index
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const config = loadConfig({
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${join(dataDir, 'hoso.sqlite')}`,
      SEED_DEMO: 'true',
      NODE_ENV: 'test',
      DIGITIZATION_POLL_MS: '100',
    });
    const app = await createApp(config, {}, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    try {
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'snv.vanthu', password: process.env.DEMO_PASSWORD ?? 'hoso-demo' }),
      });
      const token = ((await login.json()) as { accessToken: string }).accessToken;
      const t0 = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < FILES; i++) {
        const form = new FormData();
        for (const [k, v] of Object.entries({
          senderName: 'Sở Tài chính',
          originalNumber: `${i + 1}/QĐ-STC`,
          originalDate: '2026-11-20',
          typeCode: 'QĐ',
          subject: `Thư quét ${i + 1}`,
        }))
          form.append(k, v);
        form.append('file', new Blob([scans[i]], { type: 'image/png' }), `s${i}.png`);
        const res = await fetch(`${url}/api/documents/incoming`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: form,
        });
        if (res.status !== 201) throw new Error(`registration ${res.status}: ${await res.text()}`);
        ids.push(((await res.json()) as { id: string }).id);
      }
      for (;;) {
        const states = await Promise.all(
          ids.map(async (id) => {
            const r = await fetch(`${url}/api/documents/${id}/content-jobs`, {
              headers: { authorization: `Bearer ${token}` },
            });
            return ((await r.json()) as { status: string }[])[0]?.status;
          }),
        );
        if (states.every((s) => s === 'done' || s === 'failed')) {
          if (states.some((s) => s === 'failed')) throw new Error('an OCR job failed');
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      const hosoSeconds = (Date.now() - t0) / 1000;
      console.log(`through hoso's queue: ${FILES} pages in ${hosoSeconds.toFixed(1)} s`);
      const out = {
        benchmark: 'ocr',
        measuredAt: new Date().toISOString(),
        files: FILES,
        pagesPerFile: 1,
        dpi: 300,
        loadAverage: loadavg()[0],
        raw: { seconds: rawSeconds, pagesPerMinute: Math.round((FILES / rawSeconds) * 60 * 10) / 10 },
        hoso: { seconds: hosoSeconds, pagesPerMinute: Math.round((FILES / hosoSeconds) * 60 * 10) / 10 },
      };
      console.log(JSON.stringify(out));
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(join(RESULTS_DIR, 'ocr.json'), JSON.stringify(out, null, 2));
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
