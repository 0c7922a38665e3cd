import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { Periodic } from '../../common/periodic.js';
import { TransactionService } from '../../database/transaction.service.js';
import { StorageService } from '../storage/index.js';
import { DocumentFileEntity } from '../documents/document-records.entity.js';
import { ContentIndex, dbDate } from '../search/content-index.js';
import { ContentJobEntity } from './content.entity.js';
import {
  sharedTools,
  imageToPdf,
  isSignedPdf,
  lowestDpi,
  ocrToPdfA,
  type OcrTools,
  pageTexts,
  scanKind,
} from './ocr-tools.js';

/** Circular 01/2019/TT-BNV: documents are scanned at 200 dpi or more. */
export const MIN_SCAN_DPI = 200;
const MAX_ATTEMPTS = 5;
const LEASE_MS = 20 * 60_000;
/** A page with fewer letters than this is taken for an image (a scan) and sent to OCR. */
const MIN_TEXT_PER_PAGE = 20;
const OCR_OFF = 'OCR_OFF';

/**
 * The durable digitization queue (content_job rows): takes the next due job (or one whose worker died: lease
 * expired), reads the file's text — OCRmyPDF with Tesseract `vie` for a scan, producing a searchable PDF/A-2b copy
 * kept beside the original; pdftotext only for a PDF that carries text, and always only for a signed PDF (never
 * rewritten) — and indexes it page by page. A failure is retried with a growing delay, MAX_ATTEMPTS times, then
 * shown as failed (the web app offers a retry). Runs in the process that does the background work.
 */
@Injectable()
export class ContentQueueService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Digitization');
  private loop?: Periodic;
  private toolsFound: OcrTools = {
    ocrmypdf: false,
    vietnamese: false,
    pdftotext: false,
    pdfimages: false,
    python: null,
  };
  readonly index: ContentIndex;

  constructor(
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly storage: StorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.index = new ContentIndex(tx.isSqlite);
  }

  get tools(): OcrTools {
    return this.toolsFound;
  }

  get ocrEnabled(): boolean {
    return (
      this.config.digitization.ocr &&
      this.toolsFound.ocrmypdf &&
      this.toolsFound.vietnamese &&
      this.toolsFound.pdftotext
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.toolsFound = await sharedTools();
    if (!this.config.backgroundWork) return;
    if (this.ocrEnabled) {
      this.logger.log('OCR is on (OCRmyPDF, Tesseract vie)');
      // jobs parked while OCR was off run now
      await this.tx.run((m) =>
        m.update(ContentJobEntity, { status: 'queued', lastError: OCR_OFF }, { nextAttemptAt: this.clock.now() }),
      );
    } else
      this.logger.warn(
        `OCR is off (${!this.config.digitization.ocr ? 'OCR=off' : 'ocrmypdf or tesseract-ocr-vie not installed'}): scans are stored, their text waits for OCR; PDFs with text are still indexed`,
      );
    this.loop = new Periodic(() => this.drain(), this.logger);
    this.loop.start(this.config.digitization.pollMs);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.loop?.stop();
  }

  private stopping = false;

  /** Runs due jobs until none is left (also called by tests and benchmarks to wait for the queue). */
  async drain(): Promise<number> {
    let n = 0;
    for (let job = await this.claim(); job && !this.stopping; job = await this.claim()) {
      await this.process(job);
      n++;
    }
    return n;
  }

  private async claim(): Promise<ContentJobEntity | null> {
    const now = this.clock.now();
    const [row]: { id: string }[] = await this.tx.manager.query(
      `SELECT id FROM content_job WHERE (status = 'queued' AND next_attempt_at <= ?)
         OR (status = 'running' AND lease_until < ?) ORDER BY next_attempt_at LIMIT 1`,
      [dbDate(this.tx.isSqlite, now), dbDate(this.tx.isSqlite, now)],
    );
    if (!row) return null;
    return this.tx.run(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(ContentJobEntity)
        .set({
          status: 'running',
          leaseUntil: new Date(now.getTime() + LEASE_MS),
          attempts: () => 'attempts + 1',
          progress: 5,
          updatedAt: now,
        })
        .where('id = :id', { id: row.id })
        .andWhere("((status = 'queued' AND next_attempt_at <= :now) OR (status = 'running' AND lease_until < :now))", {
          now,
        })
        .execute();
      if (!res.affected) return null;
      return m.findOne(ContentJobEntity, { where: { id: row.id } });
    });
  }

  private async progress(id: string, progress: number, fields: Partial<ContentJobEntity> = {}) {
    await this.tx.run((m) => m.update(ContentJobEntity, { id }, { progress, updatedAt: this.clock.now(), ...fields }));
  }

  private async process(job: ContentJobEntity): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'hoso-ocr-'));
    try {
      const bytes = await this.storage.get(job.sha256);
      const kind = scanKind(bytes);
      if (!kind) throw new Error('not a PDF, PNG, JPEG or TIFF file');
      if (!this.toolsFound.pdftotext) return await this.park(job, 'pdftotext (poppler-utils) not installed');
      const input = join(dir, 'in.pdf');
      let pdf = bytes;
      let scan = false;
      if (kind !== 'pdf') {
        const wrapped = await imageToPdf(bytes, kind, this.toolsFound);
        if (!wrapped) return await this.park(job, 'TIFF needs img2pdf (installed with ocrmypdf)');
        pdf = wrapped;
        scan = true;
      }
      await writeFile(input, pdf);
      const signed = kind === 'pdf' && isSignedPdf(bytes);
      let texts = await pageTexts(input);
      if (!signed && texts.some((t) => t.replace(/\s+/g, '').length < MIN_TEXT_PER_PAGE)) scan = true;
      await this.progress(job.id, 20, { signed, pageCount: texts.length });
      let minDpi: number | null = null;
      if (scan && this.toolsFound.pdfimages) minDpi = await lowestDpi(input);
      let outputSha256: string | null = null;
      let mode: ContentJobEntity['mode'] = 'extract';
      // a signed PDF is never rewritten (OCRmyPDF would break its signatures): its text layer is all there is
      if (scan && !signed) {
        if (!this.ocrEnabled) return await this.park(job, OCR_OFF, { minDpi, lowDpi: isLow(minDpi) });
        await this.progress(job.id, 30, { mode: 'ocr', minDpi, lowDpi: isLow(minDpi) });
        const output = join(dir, 'out.pdf');
        await ocrToPdfA(input, output, this.config.digitization.ocrTimeoutMs);
        const ocr = await readFile(output);
        outputSha256 = (await this.storage.put(ocr)).sha256;
        texts = await pageTexts(output);
        mode = 'ocr';
        await this.progress(job.id, 90);
      }
      await this.tx.run(async (m) => {
        const current = await m.findOne(ContentJobEntity, { where: { id: job.id } });
        if (!current || current.status !== 'running') return; // retried or taken over meanwhile
        await this.index.replace(
          m,
          job,
          texts.map((text, i) => ({ page: i + 1, text })),
          () => this.ids.next(),
        );
        if (outputSha256) await this.addOcrCopy(m, job, outputSha256);
        await m.update(
          ContentJobEntity,
          { id: job.id },
          {
            status: 'done',
            mode,
            progress: 100,
            pageCount: texts.length,
            minDpi,
            lowDpi: isLow(minDpi),
            signed,
            outputSha256,
            leaseUntil: null,
            lastError: '',
            updatedAt: this.clock.now(),
          },
        );
      });
    } catch (e) {
      await this.fail(job, (e as Error).message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The searchable copy, beside the original (role 'ocr'); once per job, also when the job ran twice. */
  private async addOcrCopy(m: import('typeorm').EntityManager, job: ContentJobEntity, sha256: string) {
    const existing = await m.findOne(DocumentFileEntity, {
      where: { documentId: job.documentId, role: 'ocr', sha256 },
    });
    if (existing) return;
    const last = await m.findOne(DocumentFileEntity, {
      where: { documentId: job.documentId, role: 'ocr' },
      order: { version: 'DESC' },
    });
    const size = (await this.storage.get(sha256)).length;
    await m.insert(DocumentFileEntity, {
      id: this.ids.next(),
      documentId: job.documentId,
      role: 'ocr',
      version: (last?.version ?? 0) + 1,
      name: `${job.fileName.replace(/\.[^.]*$/, '')}.ocr.pdf`.slice(0, 255),
      sha256,
      mediaType: 'application/pdf',
      size,
      note: 'PDF/A-2b (OCR)',
      createdBy: null,
      createdAt: this.clock.now(),
    });
  }

  /** OCR (or a tool) is missing: the job waits, without counting as a failure, until a start with it. */
  private async park(job: ContentJobEntity, reason: string, fields: Partial<ContentJobEntity> = {}) {
    await this.tx.run((m) =>
      m.update(
        ContentJobEntity,
        { id: job.id },
        {
          status: 'queued',
          attempts: Math.max(0, job.attempts - 1),
          nextAttemptAt: new Date(this.clock.now().getTime() + 24 * 3600_000),
          leaseUntil: null,
          progress: 0,
          lastError: reason === OCR_OFF ? OCR_OFF : reason.slice(0, 1000),
          updatedAt: this.clock.now(),
          ...fields,
        },
      ),
    );
  }

  private async fail(job: ContentJobEntity, message: string) {
    this.logger.warn(`content job ${job.id} (${job.fileName}) attempt ${job.attempts}: ${message}`);
    const last = job.attempts >= MAX_ATTEMPTS;
    const delay = this.config.digitization.retryBaseMs * 2 ** (job.attempts - 1);
    await this.tx.run((m) =>
      m.update(
        ContentJobEntity,
        { id: job.id },
        {
          status: last ? 'failed' : 'queued',
          nextAttemptAt: new Date(this.clock.now().getTime() + delay),
          leaseUntil: null,
          progress: 0,
          lastError: message.slice(0, 1000),
          updatedAt: this.clock.now(),
        },
      ),
    );
  }

  /** A failed (or parked) job queued again now, by a clerk from the web app. */
  async retry(jobId: string): Promise<void> {
    await this.tx.run((m) =>
      m.update(
        ContentJobEntity,
        { id: jobId },
        { status: 'queued', attempts: 0, nextAttemptAt: this.clock.now(), updatedAt: this.clock.now() },
      ),
    );
  }
}

const isLow = (dpi: number | null) => dpi !== null && dpi < MIN_SCAN_DPI;
