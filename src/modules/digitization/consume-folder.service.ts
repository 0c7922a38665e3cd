import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { Periodic } from '../../common/periodic.js';
import { TransactionService } from '../../database/transaction.service.js';
import { StorageService } from '../storage/index.js';
import { DocumentsService } from '../documents/documents.service.js';
import { ConsumeIntakeEntity } from './content.entity.js';

/** A file still being written by a scanner is left until it has not changed for this long. */
const SETTLE_MS = 2000;
const MAX_BYTES = Number(process.env.UPLOAD_MAX_MB ?? 25) * 1024 * 1024;

/**
 * The consume folder: CONSUME_DIR/<OrganId of the agency>/ (e.g. CONSUME_DIR/000.00.00.H42). Every PDF, PNG, JPEG
 * or TIFF put there becomes an incoming letter of that agency (state received, its file name as subject) whose
 * text the digitization queue reads. Order of work, so that a crash at any point loses nothing and stores
 * nothing twice: the content is stored (fsynced), then the document and the intake key (agency, sha256) commit in
 * one transaction, and only then is the file removed; a file found again whose key is already there was stored
 * before the crash and is only removed. A file that is not a scan is moved to `rejected/` beside it.
 */
@Injectable()
export class ConsumeFolderService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ConsumeFolder');
  private loop?: Periodic;

  constructor(
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.digitization.consumeDir || !this.config.backgroundWork) return;
    this.logger.log(
      `watching ${this.config.digitization.consumeDir}/<OrganId>/ every ${this.config.digitization.consumePollMs} ms`,
    );
    this.loop = new Periodic(() => this.scan(), this.logger);
    this.loop.start(this.config.digitization.consumePollMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop?.stop();
  }

  /** One pass over every agency's folder; returns the ids of the documents made. */
  async scan(): Promise<string[]> {
    const root = this.config.digitization.consumeDir;
    if (!root) return [];
    const agencies: { id: string; organId: string }[] = await this.tx.manager.query(
      'SELECT id, organ_id AS organId FROM agency',
    );
    const made: string[] = [];
    for (const agency of agencies) {
      const dir = join(root, agency.organId);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names.sort()) {
        if (name.startsWith('.') || name === 'rejected') continue;
        const id = await this.take(agency.id, dir, name).catch((e: Error) => {
          this.logger.error(`${dir}/${name}: ${e.message}`);
          return null;
        });
        if (id) made.push(id);
      }
    }
    return made;
  }

  private async take(agencyId: string, dir: string, name: string): Promise<string | null> {
    const path = join(dir, name);
    const info = await stat(path);
    if (!info.isFile() || this.clock.now().getTime() - info.mtimeMs < SETTLE_MS) return null;
    if (info.size > MAX_BYTES) return this.reject(dir, name, 'larger than UPLOAD_MAX_MB');
    const content = await readFile(path);
    const sha256 = StorageService.hash(content);
    const before = await this.tx.manager.findOne(ConsumeIntakeEntity, { where: { agencyId, sha256 } });
    if (before) {
      // stored before a crash (or the same scan put there twice): nothing more to store
      await rm(path, { force: true });
      return null;
    }
    const documents = this.moduleRef.get(DocumentsService, { strict: false });
    const id = await documents.registerConsumed(agencyId, content, name, async (m, documentId) => {
      await m.insert(ConsumeIntakeEntity, {
        id: this.ids.next(),
        agencyId,
        sha256,
        documentId,
        fileName: name.slice(0, 255),
        createdAt: this.clock.now(),
      });
    });
    if (!id) return this.reject(dir, name, 'not a PDF, PNG, JPEG or TIFF');
    await rm(path, { force: true });
    this.logger.log(`${name} → incoming document ${id}`);
    return id;
  }

  private async reject(dir: string, name: string, why: string): Promise<null> {
    await mkdir(join(dir, 'rejected'), { recursive: true });
    await rename(join(dir, name), join(dir, 'rejected', name));
    this.logger.warn(`${name} moved to rejected/: ${why}`);
    return null;
  }
}
