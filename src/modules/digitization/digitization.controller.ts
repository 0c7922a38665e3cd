import { Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiTags } from '@nestjs/swagger';
import { forbidden, notFound } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { CurrentUser, DocumentAccessPolicy, RequirePermission, type AuthUser } from '../auth/index.js';
import { DocumentQueryService } from '../documents/document-query.service.js';
import { ContentJobEntity } from './content.entity.js';
import { toJobView } from './content-jobs.js';
import { ContentQueueService } from './content-queue.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { DigitizationJobsQuery } from './digitization.dto.js';

@ApiTags('digitization')
@Controller('api')
export class DigitizationController {
  constructor(
    private readonly tx: TransactionService,
    private readonly queue: ContentQueueService,
    private readonly access: DocumentAccessPolicy,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Whether OCR runs here and whether a consume folder is watched (the web app says so on the intake pages). */
  @RequirePermission('documents.read')
  @Get('digitization/status')
  status() {
    return { ocr: this.queue.ocrEnabled, consumeFolder: this.config.digitization.consumeDir !== null };
  }

  /** Text and OCR progress of each stored file of a document the caller may open. */
  @RequirePermission('documents.read')
  @Get('documents/:id/content-jobs')
  async ofDocument(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    await this.moduleRef.get(DocumentQueryService, { strict: false }).load(user, id);
    const jobs = await this.tx.manager.find(ContentJobEntity, {
      where: { documentId: id },
      order: { createdAt: 'ASC' },
    });
    return jobs.map(toJobView);
  }

  /**
   * The agency's intake queue for its clerks: newest first, failed or low-resolution ones on demand. A secret
   * document's files appear only to a clerk who is one of its readers (the list's access rule).
   */
  @RequirePermission('documents.receive')
  @Get('digitization/jobs')
  async jobs(@CurrentUser() user: AuthUser, @Query() q: DigitizationJobsQuery) {
    if (!this.access.isClerk(user, user.agencyId)) throw forbidden();
    const qb = this.tx.manager
      .createQueryBuilder(ContentJobEntity, 'j')
      .innerJoin('document', 'd', 'd.id = j.document_id')
      .addSelect('d.subject', 'subject')
      .where('j.agency_id = :agencyId', { agencyId: user.agencyId })
      .andWhere('(d.secrecy IS NULL OR d.id IN (SELECT r.document_id FROM document_reader r WHERE r.user_id = :uid))', {
        uid: user.id,
      });
    if (q.status) qb.andWhere('j.status = :status', { status: q.status });
    if (q.lowDpi) qb.andWhere('j.low_dpi = :low', { low: true });
    const { entities, raw } = await qb.orderBy('j.created_at', 'DESC').take(100).getRawAndEntities();
    return entities.map((j, i) => ({ ...toJobView(j), subject: (raw[i] as { subject?: string })?.subject ?? '' }));
  }

  /** A failed job queued again (its attempts counted from zero). */
  @RequirePermission('documents.receive')
  @Post('digitization/jobs/:id/retry')
  async retry(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    if (!this.access.isClerk(user, user.agencyId)) throw forbidden();
    const job = await this.tx.manager.findOne(ContentJobEntity, { where: { id } });
    if (!job || job.agencyId !== user.agencyId) throw notFound('content_job', id);
    await this.moduleRef.get(DocumentQueryService, { strict: false }).load(user, job.documentId);
    if (job.status !== 'failed' && job.status !== 'queued') return toJobView(job);
    await this.queue.retry(id);
    return toJobView((await this.tx.manager.findOne(ContentJobEntity, { where: { id } }))!);
  }
}
