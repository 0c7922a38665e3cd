import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { DataSource, In } from 'typeorm';
import type { AppConfig } from '../src/config/app-config.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { runMigrations } from '../src/database/migrator.js';
import { verifyBag } from '../src/modules/dossiers/archive/bagit.js';
import { buildTransferPackage } from '../src/modules/dossiers/archive/package-builder.js';
import { buildDocumentIndex, chronological } from '../src/modules/dossiers/dossier-closing.service.js';
import type { FilingDocument } from '../src/modules/dossiers/dossier-document-source.js';
import { DossierEntity, DossierItemEntity } from '../src/modules/dossiers/dossier.entity.js';
import { StorageService } from '../src/modules/storage/index.js';

/**
 * npm run bench:dossiers: time to build and to verify the transfer package (BagIt ZIP) of D dossiers × N
 * documents (default 100 × 20, each document a ~64 KB signed PDF). Dossiers and items are seeded directly in
 * a fresh SQLite database and the files in content-addressed storage; document metadata comes from an
 * in-memory DossierDocumentSource (the documents module's tables are its own). Build = read rows + storage,
 * render the document indexes / transfer list / handover minutes, hash, zip; verify = unzip, SHA-256 of every
 * file against the manifest, metadata completeness. Env: BENCH_DOSSIERS, BENCH_DOCS, BENCH_FILE_KB.
 */
const D = Number(process.env.BENCH_DOSSIERS ?? 100);
const N = Number(process.env.BENCH_DOCS ?? 20);
const FILE_KB = Number(process.env.BENCH_FILE_KB ?? 64);
const RESULTS = join(__dirname, '..', '..', 'bench', 'results');
const TZ = 'Asia/Ho_Chi_Minh';

async function basePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  doc.addPage([595, 842]).drawText('Quyet dinh', { x: 72, y: 760, size: 14, font });
  return Buffer.from(await doc.save());
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-bench-dossiers-'));
  const ds = new DataSource(dataSourceOptions({ type: 'sqlite', path: join(dir, 'bench.sqlite') }));
  await ds.initialize();
  await runMigrations(ds);
  const storage = new StorageService({ storageDir: join(dir, 'files') } as AppConfig);
  const base = await basePdf();
  const docs = new Map<string, FilingDocument>();
  const at = new Date('2026-11-20T03:00:00Z');
  let seq = 0;
  const id = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

  const tSeed = Date.now();
  for (let d = 1; d <= D; d++) {
    const dossierId = id();
    const items: Partial<DossierItemEntity>[] = [];
    const own: FilingDocument[] = [];
    for (let k = 1; k <= N; k++) {
      // a valid PDF followed by incompressible padding: the size of a real signed document
      const pdf = Buffer.concat([base, Buffer.from(`%${randomBytes(FILE_KB * 768).toString('base64')}\n`)]);
      const stored = await storage.put(pdf);
      const doc: FilingDocument = {
        id: id(),
        agencyId: 'bench',
        direction: k % 3 ? 'outgoing' : 'incoming',
        status: 'issued',
        final: true,
        signed: true,
        secrecy: null,
        typeCode: 'QĐ',
        typeName: 'Quyết định',
        number: String(k).padStart(2, '0'),
        notation: 'QĐ-SNV',
        documentDate: new Date(Date.UTC(2026, 0, k, 2)),
        organName: 'Sở Nội vụ tỉnh Hà Tĩnh',
        subject: `Về việc tuyển dụng công chức đợt ${k} năm 2026 của hồ sơ số ${d}`,
        language: 'Tiếng Việt',
        pageCount: 3,
        signerName: 'Nguyễn Văn Ký',
        signerTitle: 'Giám đốc',
        files: [
          {
            name: 'van-ban.pdf',
            sha256: stored.sha256,
            mediaType: 'application/pdf',
            size: stored.size,
            role: 'signed',
          },
        ],
        history: [
          { at, actorName: 'Trần Thị Soạn', action: 'drafted' },
          { at, actorName: 'Nguyễn Văn Ký', action: 'signed' },
        ],
      };
      docs.set(doc.id, doc);
      own.push(doc);
      items.push({
        id: id(),
        dossierId,
        documentId: doc.id,
        order: k,
        source: 'workflow',
        addedById: null,
        addedAt: at,
      });
    }
    await ds.getRepository(DossierEntity).insert({
      id: dossierId,
      agencyId: 'bench',
      code: `000.00.01.H42.2026.${String(d).padStart(3, '0')}.TCCB`,
      year: 2026,
      notation: `${String(d).padStart(3, '0')}.TCCB`,
      title: `Hồ sơ tuyển dụng số ${d}`,
      titleFolded: `ho so tuyen dung so ${d}`,
      retentionPermanent: d % 2 === 0,
      retentionYears: d % 2 ? 10 : null,
      rights: 'Hạn chế',
      creatorId: 'bench',
      creatorName: 'Lê Văn Chuyên',
      language: 'Tiếng Việt',
      startDate: own[0].documentDate,
      endDate: own[N - 1].documentDate,
      docTotal: N,
      pageTotal: 3 * N,
      state: 'closed',
      nextOrder: N + 1,
      documentIndex: buildDocumentIndex(own, TZ),
      closedAt: at,
      createdAt: at,
      updatedAt: at,
    });
    await ds.getRepository(DossierItemEntity).insert(items);
  }
  const seedMs = Date.now() - tSeed;

  // Build, as ArchiveService.buildPackage does it: rows from the DB, files from storage.
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const rows = await ds.getRepository(DossierEntity).find({ where: { state: 'closed' }, order: { code: 'ASC' } });
  const allItems = await ds.getRepository(DossierItemEntity).find({ where: { dossierId: In(rows.map((r) => r.id)) } });
  const zip = await buildTransferPackage({
    transferId: 'bench-transfer',
    agency: { organId: '000.00.01.H42', name: 'Sở Nội vụ tỉnh Hà Tĩnh' },
    submittedBy: 'Lê Văn Chuyên',
    dossiers: rows.map((r) => ({ dossier: r, items: allItems.filter((i) => i.dossierId === r.id), trail: [] })),
    documents: docs,
    loadFile: (sha) => storage.get(sha),
    createdAt: at,
    timezone: TZ,
  });
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const buildCpu = process.cpuUsage(c0);

  const c1 = process.cpuUsage();
  const t1 = process.hrtime.bigint();
  const report = await verifyBag(zip);
  const verifyMs = Number(process.hrtime.bigint() - t1) / 1e6;
  const verifyCpu = process.cpuUsage(c1);
  const cpuMs = (c: NodeJS.CpuUsage) => Math.round((c.user + c.system) / 1000);
  if (!report.ok) throw new Error(`package does not verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
  if (chronological(allItems.slice(0, N), docs).length !== N) throw new Error('document source incomplete');

  const mb = zip.length / 1048576;
  const result = {
    summary: [
      { metric: `build transfer package ${D}×${N} (s)`, value: Math.round(buildMs) / 1000 },
      { metric: `verify transfer package ${D}×${N} (s)`, value: Math.round(verifyMs) / 1000 },
      { metric: 'build CPU time (s)', value: Math.round(cpuMs(buildCpu)) / 1000 },
      { metric: 'package size (MB)', value: Math.round(mb * 10) / 10 },
      { metric: 'verify / build time ratio', value: Math.round((verifyMs / buildMs) * 100) / 100 },
    ],
    dossiers: D,
    documentsPerDossier: N,
    files: report.checkedFiles,
    fileKb: FILE_KB,
    seedMs,
    // wall time counts waiting for the CPU when other processes share the machine; cpuMs is this process's own work
    build: {
      ms: Math.round(buildMs),
      cpuMs: cpuMs(buildCpu),
      msPerDossier: Math.round((buildMs / D) * 10) / 10,
      mbPerSecond: Math.round((mb / (buildMs / 1000)) * 10) / 10,
    },
    verify: {
      ms: Math.round(verifyMs),
      cpuMs: cpuMs(verifyCpu),
      mbPerSecond: Math.round((mb / (verifyMs / 1000)) * 10) / 10,
    },
    packageBytes: zip.length,
    node: process.version,
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'dossiers.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
  await ds.destroy();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
