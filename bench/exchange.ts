import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { SaxesParser } from 'saxes';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { TransactionService } from '../src/database/transaction.service.js';
import { buildEdoc, parsePackage, type Edoc } from '../src/modules/exchange/edxml.js';
import { UserEntity } from '../src/modules/organizations/index.js';
import { SigningService } from '../src/modules/signing/index.js';

/**
 * npm run bench:exchange: edXML envelopes built and parsed per second with a ~2 MB signed PDF as attachment,
 * beside saxes (the raw XML parser under the codec) reading the same bytes in the same run. Build = XML of the
 * header + manifest digest (SHA-256) + base64; parse = strict saxes pass (no DTD, limits) into a tree, header
 * mapping, base64 decode and the digest check. Env: BENCH_EXCHANGE_N (default 30), BENCH_EXCHANGE_PDF_MB (2).
 */
const N = Number(process.env.BENCH_EXCHANGE_N ?? 30);
const PDF_MB = Number(process.env.BENCH_EXCHANGE_PDF_MB ?? 2);
const RESULTS = join(__dirname, '..', '..', 'bench', 'results');

/** A one-page PDF carrying ~PDF_MB of incompressible content (a stream referenced from the catalog). */
async function bigPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  doc.addPage([595, 842]).drawText('Cong van ve viec lien thong van ban', { x: 72, y: 760, size: 14, font });
  const pad = doc.context.register(doc.context.stream(randomBytes(Math.round(PDF_MB * 1024 * 1024))));
  doc.catalog.set(PDFName.of('BenchPadding'), pad);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

function timed(n: number, fn: () => unknown) {
  fn(); // warm-up
  const ms: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  return { perSecond: round((n * 1000) / total), p50Ms: round(pct(ms, 0.5), 2), p95Ms: round(pct(ms, 0.95), 2) };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hoso-bench-exchange-'));
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: undefined,
    SEED_DEMO: 'true',
    NODE_ENV: 'test',
  });
  const app = await createApp(config, {}, { logger: ['error'] });
  try {
    const leader = await app
      .get(TransactionService)
      .manager.getRepository(UserEntity)
      .findOneByOrFail({ username: 'chutich' });
    const signed = (
      await app.get(SigningService).signAsPerson({ pdf: await bigPdf(), userId: leader.id, pin: config.demoPassword })
    ).pdf;
    const edoc: Edoc = {
      header: {
        from: { organId: '000.01.00.H42', organName: 'Sở Nội vụ tỉnh Hà Tĩnh' },
        to: [{ organId: '000.00.00.G09', organName: 'Bộ Nội vụ' }],
        documentId: '000.01.00.H42,2026/12/08,125/SNV-VP',
        codeNumber: '125',
        codeNotation: 'SNV-VP',
        place: 'Hà Tĩnh',
        promulgationDate: '2026-12-08',
        typeCode: 'CV',
        typeName: 'Công văn',
        subject: 'Về việc báo cáo kết quả triển khai liên thông văn bản điện tử năm 2026',
        content: '',
        signerCompetence: 'KT.',
        signerPosition: 'Phó Giám đốc',
        signerName: 'Nguyễn Văn Ký',
        dueDate: '',
        toPlaces: ['Bộ Nội vụ'],
        priority: 0,
        steeringType: 0,
        promulgationAmount: 1,
        pageAmount: 1,
      },
      trace: [{ organId: '000.01.00.H42', timestamp: new Date().toISOString() }],
      business: { kind: 'new', reason: '', paper: false, staff: { staff: 'Văn thư' } },
      attachments: [
        { contentId: 'vb1', contentType: 'application/pdf', name: '125-SNV-VP.pdf', description: '', data: signed },
      ],
    };
    const bytes = buildEdoc(edoc);
    const max = 64 * 1024 * 1024;
    const build = timed(N, () => buildEdoc(edoc));
    const parse = timed(N, () => parsePackage(bytes, max));
    const raw = timed(N, () => {
      const p = new SaxesParser({ xmlns: true, position: false });
      p.on('error', (e) => {
        throw e;
      });
      p.write(bytes.toString('utf8')).close();
    });
    const result = {
      benchmark: 'exchange',
      at: new Date().toISOString(),
      node: process.version,
      iterations: N,
      pdfBytes: signed.length,
      envelopeBytes: bytes.length,
      build,
      parse,
      rawSaxes: raw,
      parseOverRawSaxes: round(raw.perSecond / parse.perSecond, 2),
      summary: [
        {
          metric: `edXML envelopes built per second (${round(signed.length / 1048576)} MB signed PDF)`,
          value: build.perSecond,
        },
        { metric: 'edXML envelopes parsed per second (strict, digest checked)', value: parse.perSecond },
        { metric: 'raw saxes passes per second over the same bytes', value: raw.perSecond },
      ],
    };
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'exchange.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
