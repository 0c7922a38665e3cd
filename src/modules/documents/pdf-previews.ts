import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ExpensiveWork } from '../../common/expensive-work.js';
import { StorageService } from '../storage/index.js';
import type { RenderInput } from './document-layout.js';

/** The layout code is part of the key: a changed layout renders every preview again. */
const LAYOUT_VERSION = createHash('sha256')
  .update(readFileSync(join(__dirname, 'document-layout.js')))
  .digest('hex')
  .slice(0, 16);
/** Previews whose stored hash this process remembers (the index on disk holds every one). */
const REMEMBERED = 2000;
/** An idle render thread is ended after this long (it holds its own fonts and heap, ~30 MB). */
const IDLE_MS = 60_000;

/**
 * The preview of an unsigned document (GET /api/documents/:id/pdf): rendered once per content — every value the
 * layout draws, the date line included, hashed with the layout's code — and kept in the content store, indexed
 * by that key under STORAGE_DIR/previews/. Rendering took 4.4–5.4 s for a 177,000-character body on every
 * request; now the first request pays it, in a worker thread and under the expensive-work limit (503 past it),
 * and the same preview asked for at once by several requests is rendered once.
 */
@Injectable()
export class PdfPreviews implements OnModuleDestroy {
  private readonly known = new Map<string, string>();
  private readonly inflight = new Map<string, Promise<Buffer>>();
  private worker?: Worker;
  private idle?: NodeJS.Timeout;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  /** Renders done by this process (tests and the benchmark read it). */
  rendered = 0;

  constructor(
    private readonly storage: StorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleDestroy(): void {
    void this.worker?.terminate();
  }

  static key(input: RenderInput): string {
    return createHash('sha256')
      .update(`${LAYOUT_VERSION}\n${JSON.stringify(input)}`)
      .digest('hex');
  }

  async pdf(input: RenderInput): Promise<Buffer> {
    const key = PdfPreviews.key(input);
    const sha = this.known.get(key) ?? (await readFile(this.indexPath(key), 'utf8').catch(() => undefined));
    if (sha && (await this.storage.exists(sha.trim()))) return this.storage.get(sha.trim());
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.renderAndKeep(key, input).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private indexPath(key: string): string {
    return join(this.config.storageDir, 'previews', key.slice(0, 2), key);
  }

  private async renderAndKeep(key: string, input: RenderInput): Promise<Buffer> {
    const pdf = await ExpensiveWork.run(() => this.renderInThread(input));
    this.rendered++;
    const { sha256 } = await this.storage.put(pdf);
    const path = this.indexPath(key);
    await mkdir(join(path, '..'), { recursive: true });
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, sha256);
    await rename(tmp, path);
    if (this.known.size >= REMEMBERED) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, sha256);
    return pdf;
  }

  private renderInThread(input: RenderInput): Promise<Buffer> {
    clearTimeout(this.idle);
    const worker = (this.worker ??= this.startWorker());
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, input });
    }).finally(() => {
      if (!this.waiting.size) this.idle = setTimeout(() => void this.stopWorker(), IDLE_MS).unref();
    });
  }

  private startWorker(): Worker {
    const w = new Worker(join(__dirname, 'render-worker.js'));
    w.unref();
    w.on('message', (m: { id: number; pdf?: Uint8Array; error?: string }) => {
      const waiter = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.pdf) waiter?.resolve(Buffer.from(m.pdf));
      else waiter?.reject(new Error(`PDF rendering failed: ${m.error}`));
    });
    const fail = (e: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(e);
      this.waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the PDF render thread stopped (${code})`)));
    return w;
  }

  private async stopWorker(): Promise<void> {
    const w = this.worker;
    if (!w || this.waiting.size) return;
    this.worker = undefined;
    await w.terminate();
  }
}
