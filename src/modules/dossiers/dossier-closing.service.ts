import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { localIsoDate } from '../../common/business-time.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { badRequest, conflict, forbidden, unprocessable } from '../../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/index.js';
import { DossierPolicy, type AuthUser } from '../auth/index.js';
import { DocumentAccess } from './document-access.js';
import type { FilingDocument } from './dossier-document-source.js';
import { DossierEntity, DossierItemEntity, type DocumentIndexLine } from './dossier.entity.js';
import { DossiersService } from './dossiers.service.js';
import { LifecycleBridge } from './lifecycle-bridge.js';
import { addYears } from './retention.js';
import './dossiers.messages.js';

export interface IncompleteReason {
  code: string;
  message: string;
  documentId?: string;
  field?: string;
}

/** Decree 30/2020, art. 30.2: transfer within 1 year after the work ends; art. 31.3d: keep at most 2 more years. */
export const TRANSFER_YEARS = 1;
export const MAX_RETENTION_EXTENSION_YEARS = 2;

/** Documents ordered by date for the document index and the export (appendix V §IV). */
export function chronological(items: DossierItemEntity[], docs: Map<string, FilingDocument>): FilingDocument[] {
  return items
    .map((i) => ({ i, d: docs.get(i.documentId) }))
    .filter((x): x is { i: DossierItemEntity; d: FilingDocument } => !!x.d)
    .sort(
      (a, b) =>
        (a.d.documentDate?.getTime() ?? Infinity) - (b.d.documentDate?.getTime() ?? Infinity) || a.i.order - b.i.order,
    )
    .map((x) => x.d);
}

export function buildDocumentIndex(ordered: FilingDocument[], tz: string): DocumentIndexLine[] {
  let page = 1;
  return ordered.map((d, n) => {
    const line: DocumentIndexLine = {
      ordinal: n + 1,
      documentId: d.id,
      number: d.number,
      notation: d.notation,
      documentDate: d.documentDate ? localIsoDate(d.documentDate, tz) : null,
      typeName: d.typeName,
      subject: d.subject,
      organName: d.organName,
      pageCount: d.pageCount,
      firstPage: page,
      notes: d.direction === 'incoming' ? 'Văn bản đến' : '',
    };
    page += Math.max(1, d.pageCount || 0);
    return line;
  });
}

/** Why a dossier cannot be closed: every reason, never only the first (ND30 art. 29; PL VI III.4). */
export function incompleteReasons(
  d: DossierEntity,
  items: DossierItemEntity[],
  docs: Map<string, FilingDocument>,
): IncompleteReason[] {
  const reasons: IncompleteReason[] = [];
  if (!items.length) reasons.push({ code: 'NO_DOCUMENTS', message: 'Hồ sơ chưa có văn bản nào.' });
  for (const item of items) {
    const doc = docs.get(item.documentId);
    if (!doc) {
      reasons.push({
        code: 'DOCUMENT_MISSING',
        message: 'Không tìm thấy văn bản trong hệ thống.',
        documentId: item.documentId,
      });
      continue;
    }
    if (!doc.final)
      reasons.push({
        code: 'DOCUMENT_NOT_FINAL',
        message: `Văn bản "${doc.subject}" chưa hoàn thành (trạng thái: ${doc.status}).`,
        documentId: doc.id,
      });
    // Outgoing documents carry the competent person's digital signature (ND30 art. 5, art. 13).
    if (doc.direction === 'outgoing' && !doc.signed)
      reasons.push({
        code: 'DOCUMENT_NOT_SIGNED',
        message: `Văn bản "${doc.subject}" chưa được ký số.`,
        documentId: doc.id,
      });
  }
  const required: [keyof DossierEntity, string][] = [
    ['title', 'Tiêu đề hồ sơ (Title)'],
    ['rights', 'Chế độ sử dụng (Rights)'],
    ['creatorName', 'Người lập hồ sơ (Creator)'],
    ['language', 'Ngôn ngữ (Language)'],
  ];
  for (const [field, label] of required)
    if (!String(d[field] ?? '').trim())
      reasons.push({ code: 'METADATA_MISSING', message: `Thiếu thông tin: ${label}.`, field });
  if (!d.retentionPermanent && !d.retentionYears)
    reasons.push({ code: 'RETENTION_UNSET', message: 'Chưa xác định thời hạn bảo quản.', field: 'retention' });
  return reasons;
}

@Injectable()
export class DossierClosingService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly policy: DossierPolicy,
    private readonly dossiers: DossiersService,
    private readonly docs: DocumentAccess,
    private readonly lifecycle: LifecycleBridge,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async close(user: AuthUser, id: string) {
    const m0 = this.tx.manager;
    await this.dossiers.changeable(user, id, m0);
    const items0 = await this.dossiers.items(m0, [id]);
    const docs = await this.docs.get(items0.map((i) => i.documentId));
    await this.tx.run(async (m) => {
      const d = await this.dossiers.changeable(user, id, m);
      this.dossiers.assertNotArchived(d);
      if (d.state !== 'open') throw conflict('DOSSIER_NOT_OPEN', { state: d.state });
      const items = await this.dossiers.items(m, [id]);
      const reasons = incompleteReasons(d, items, docs);
      if (reasons.length) throw unprocessable('DOSSIER_INCOMPLETE', { count: reasons.length }, { reasons });
      const ordered = chronological(items, docs);
      const now = this.clock.now();
      const dates = ordered.map((x) => x.documentDate).filter((x): x is Date => !!x);
      d.documentIndex = buildDocumentIndex(ordered, this.config.timezone);
      // Appendix VI §III fields 7–10 computed from the documents.
      d.startDate = dates.length ? dates[0] : (d.startDate ?? d.createdAt);
      d.endDate = dates.length ? dates[dates.length - 1] : now;
      d.docTotal = ordered.length;
      d.pageTotal = ordered.reduce((s, x) => s + (x.pageCount || 0), 0);
      d.state = 'closed';
      d.closedAt = now;
      d.transferDueAt = addYears(now, TRANSFER_YEARS);
      d.updatedAt = now;
      await m.save(d);
      await this.audit.record({
        actorId: user.id,
        agencyId: d.agencyId,
        action: 'dossier.closed',
        entityType: 'dossier',
        entityId: d.id,
        data: { docTotal: d.docTotal, pageTotal: d.pageTotal, transferDueAt: d.transferDueAt.toISOString() },
      });
      this.lifecycle.publish('dossier-closed', d.id, { closedAt: now.toISOString() });
    });
    return this.dossiers.get(user, id);
  }

  /** The handler asks to keep a closed dossier in the unit longer; the lifecycle process routes it to the head. */
  async requestRetention(user: AuthUser, id: string, until: string, reason: string) {
    const d = await this.dossiers.changeable(user, id, this.tx.manager);
    this.validateExtension(d, new Date(until));
    await this.audit.record({
      actorId: user.id,
      agencyId: d.agencyId,
      action: 'dossier.retention-requested',
      entityType: 'dossier',
      entityId: d.id,
      data: { until, reason },
    });
    this.lifecycle.publish('dossier-retention-requested', d.id, {
      requestedUntil: until,
      retentionReason: reason,
      requestedBy: user.id,
    });
    return { requested: true, processInstanceId: d.processInstanceId };
  }

  private validateExtension(d: DossierEntity, until: Date): void {
    if (d.state !== 'closed' || !d.closedAt) throw conflict('DOSSIER_NOT_CLOSED', { code: d.code });
    if (Number.isNaN(until.getTime())) throw badRequest('VALIDATION_FAILED', { fields: 'until' });
    const base = addYears(d.closedAt, TRANSFER_YEARS);
    if (until.getTime() > addYears(base, MAX_RETENTION_EXTENSION_YEARS).getTime() || until.getTime() <= base.getTime())
      throw unprocessable('RETENTION_EXTENSION_TOO_LONG');
  }

  /** Decree 30/2020, art. 31.3d: written approval of the head of the agency, at most 2 years. */
  async retain(user: AuthUser | null, id: string, until: Date, reason: string, m?: EntityManager) {
    const work = async (mm: EntityManager) => {
      const d = user ? await this.dossiers.visible(user, id, mm) : await mm.findOneByOrFail(DossierEntity, { id });
      if (user && !this.policy.isHeadOfAgency(user, d.agencyId)) throw forbidden('NOT_HEAD_OF_AGENCY');
      this.validateExtension(d, until);
      d.retainedUntil = until;
      d.transferDueAt = until;
      d.updatedAt = this.clock.now();
      await mm.save(d);
      await this.audit.record({
        actorId: user?.id ?? null,
        agencyId: d.agencyId,
        action: 'dossier.retained-by-unit',
        entityType: 'dossier',
        entityId: d.id,
        data: { until: until.toISOString(), reason },
      });
      // approved directly (not by the lifecycle's own approval step, which schedules again itself): the process
      // schedules the new deadline and moves its alert
      if (user) this.lifecycle.publish('dossier-retention-changed', d.id);
      return d;
    };
    return m ? work(m) : this.tx.run(work);
  }
}
