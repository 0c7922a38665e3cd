import 'reflect-metadata';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { createApp } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/app-config.js';
import { UserEntity } from '../src/modules/organizations/index.js';
import { SigningService } from '../src/modules/signing/index.js';
import { TransactionService } from '../src/database/transaction.service.js';

/**
 * npm run bench:signing: signatures per second on a 10-page A4 document (Tinos embedded, as generated
 * documents are), for the signer's signature and for the agency signature over it (incremental update, which
 * also verifies the personal signature first), each without and with the built-in TSA's time-stamp; adding the
 * long-term validation data at transfer (PAdES B-LTA); verification time (p50) of the signed files. One
 * process, the demo CA (ECDSA P-256 keys, PIN unlock = one scrypt N=2^15). Env: BENCH_SIGNATURES (default 20).
 */
const N = Number(process.env.BENCH_SIGNATURES ?? 20);
const RESULTS = join(__dirname, '..', '..', 'bench', 'results');

async function tenPages(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const ttf = join(
    dirname(require.resolve('@expo-google-fonts/tinos/package.json')),
    '400Regular/Tinos_400Regular.ttf',
  );
  const font = await doc.embedFont(readFileSync(ttf), { subset: false });
  for (let p = 1; p <= 10; p++) {
    const page = doc.addPage([595.28, 841.89]);
    for (let l = 0; l < 40; l++)
      page.drawText(`Trang ${p}, dòng ${l + 1}: nội dung quyết định về việc ban hành kế hoạch năm 2026.`, {
        x: 70,
        y: 780 - l * 18,
        size: 12,
        font,
      });
  }
  return Buffer.from(await doc.save());
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function timed<T>(n: number, fn: (i: number) => Promise<T>): Promise<{ ms: number[]; total: number; last: T }> {
  const ms: number[] = [];
  let last!: T;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    last = await fn(i);
    ms.push(performance.now() - t);
  }
  return { ms, total: performance.now() - t0, last };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hoso-bench-signing-'));
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: undefined,
    SEED_DEMO: 'true',
    NODE_ENV: 'test',
  });
  const app = await createApp(config, {}, { logger: ['error'] });
  try {
    const signing = app.get(SigningService);
    const users = app.get(TransactionService).manager.getRepository(UserEntity);
    const leader = await users.findOneByOrFail({ username: 'chutich' });
    const clerk = await users.findOneByOrFail({ username: 'vanthu' });
    const pdf = await tenPages();
    const pin = config.demoPassword;
    const person = () => signing.signAsPerson({ pdf, userId: leader.id, pin, reason: 'bench' });
    const agencyOver = (signed: Buffer) => () =>
      signing.signAsAgency({
        pdf: signed,
        agencyId: clerk.agencyId,
        actorUserId: clerk.id,
        number: 1,
        notation: 'QĐ-UBND',
        mode: 'seal-over-signature',
      });
    const rate = (r: { total: number }, n = N) => round((n * 1000) / r.total, 2);
    // Side by side in one run: without time-stamps (the figure before issue 24), with the built-in TSA's
    // RFC 3161 time-stamp on every signature (now the default), and adding the validation data (DSS: certificates,
    // CRL, OCSP) plus a document time-stamp at transfer (PAdES B-LTA).
    config.tsaUrl = 'none';
    await person(); // warm-up (fonts, JIT)
    const p0 = await timed(N, person);
    const a0 = await timed(N, agencyOver(p0.last.pdf));
    config.tsaUrl = undefined;
    await person();
    const p = await timed(N, person);
    const a = await timed(N, agencyOver(p.last.pdf));
    const both = a.last.pdf;
    const ltv = await timed(N, () => signing.addLongTermValidation(both));
    const v = await timed(N * 2, () => signing.verifyPdf(both));
    const vl = await timed(N, () => signing.verifyPdf(ltv.last));
    const t4 = performance.now();
    await Promise.all(Array.from({ length: N }, person));
    const concurrent = (N * 1000) / (performance.now() - t4);
    const result = {
      document: {
        pages: 10,
        bytes: pdf.length,
        signedBytes: p.last.pdf.length,
        bothSignedBytes: both.length,
        withLtvBytes: ltv.last.length,
      },
      withoutTimestamp: {
        person: { perSecond: rate(p0), p50Ms: round(pct(p0.ms, 0.5)) },
        agency: { perSecond: rate(a0), p50Ms: round(pct(a0.ms, 0.5)) },
      },
      person: { perSecond: rate(p), p50Ms: round(pct(p.ms, 0.5)), p95Ms: round(pct(p.ms, 0.95)) },
      agency: { perSecond: rate(a), p50Ms: round(pct(a.ms, 0.5)), p95Ms: round(pct(a.ms, 0.95)) },
      ltvAtTransfer: { perSecond: rate(ltv), p50Ms: round(pct(ltv.ms, 0.5)), p95Ms: round(pct(ltv.ms, 0.95)) },
      personConcurrent: { concurrency: N, perSecond: round(concurrent, 2) },
      verify: { signatures: 2, p50Ms: round(pct(v.ms, 0.5)), p95Ms: round(pct(v.ms, 0.95)) },
      verifyLta: { signatures: 3, p50Ms: round(pct(vl.ms, 0.5)), p95Ms: round(pct(vl.ms, 0.95)) },
      samples: N,
      node: process.version,
      at: new Date().toISOString(),
    };
    const summary = [
      {
        metric: 'person signatures/s without time-stamp (10 pages, sequential)',
        value: result.withoutTimestamp.person.perSecond,
      },
      { metric: 'person signatures/s with time-stamp (10 pages, sequential)', value: result.person.perSecond },
      { metric: 'agency signatures/s without time-stamp', value: result.withoutTimestamp.agency.perSecond },
      { metric: 'agency signatures/s with time-stamp', value: result.agency.perSecond },
      { metric: 'LTV (DSS + document time-stamp) at transfer /s', value: result.ltvAtTransfer.perSecond },
      { metric: `person signatures/s with time-stamp (${N} concurrent)`, value: result.personConcurrent.perSecond },
      { metric: 'verification p50 ms (2 signatures)', value: result.verify.p50Ms },
      { metric: 'verification p50 ms (B-LTA: 2 signatures + document time-stamp)', value: result.verifyLta.p50Ms },
    ];
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'signing.json'), JSON.stringify({ summary, ...result }, null, 2));
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
