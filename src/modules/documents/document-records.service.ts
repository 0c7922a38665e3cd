import { Inject, Injectable } from '@nestjs/common';
import { endOfLocalDay, localIsoDate } from '../../common/business-time.js';
import { Clock } from '../../common/clock.js';
import { badRequest, conflict, forbidden } from '../../common/domain-error.js';
import { foldVietnamese } from '../../common/vietnamese.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/index.js';
import { DocumentAccessPolicy, type AuthUser } from '../auth/index.js';
import { DocumentQueryService } from './document-query.service.js';
import { DocumentTrail } from './document-trail.service.js';
import { URGENCY_RANK } from './document-types.js';
import { DocumentEntity, type Urgency } from './document.entity.js';
import type { CorrectMetadataDto, IncomingDuplicatesQuery } from './dto/document-records.dto.js';
import './document-records.messages.js';

/** Fields a correction may change, and how each is read back for the trail (dates as yyyy-MM-dd). */
type Field =
  | 'subject'
  | 'description'
  | 'signerName'
  | 'signerTitle'
  | 'language'
  | 'pageCount'
  | 'issuedAmount'
  | 'urgency'
  | 'dueAt'
  | 'organName'
  | 'notation'
  | 'documentDate';
const INCOMING_ONLY: Field[] = ['organName', 'notation', 'documentDate'];

export interface MetadataChange {
  field: Field;
  old: string | number | null;
  new: string | number | null;
}

/**
 * Later work on a registered document's metadata (Decree 30/2020 appendix VI: "add metadata later", "warn of a
 * duplicate number + notation + issuing body"): corrections by a clerk of its agency, audited with old and new
 * values, and the duplicate look-up the incoming form asks before registering.
 */
@Injectable()
export class DocumentRecordsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly query: DocumentQueryService,
    private readonly policy: DocumentAccessPolicy,
    private readonly trail: DocumentTrail,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Received documents of the caller's agency with the same sender, number and notation (and date when given). */
  async duplicates(user: AuthUser, q: IncomingDuplicatesQuery) {
    const m = this.tx.manager;
    const rows = await m.find(DocumentEntity, {
      where: { agencyId: user.agencyId, direction: 'incoming', notation: q.originalNumber },
      take: 50,
    });
    const sender = foldVietnamese(q.senderName);
    const same = rows.filter(
      (d) =>
        foldVietnamese(d.organName) === sender &&
        (!q.originalDate || (d.documentDate && localIsoDate(d.documentDate, this.config.timezone) === q.originalDate)),
    );
    // A secret document is named only to its readers; the others never learn it exists.
    const facts = await this.query.factsOf(same, m);
    return same
      .filter((d) => this.policy.canSee(user, facts.get(d.id)!))
      .map((d) => ({
        id: d.id,
        arrivalNumber: d.arrivalNumber,
        arrivalDate: d.arrivalDate?.toISOString() ?? null,
        notation: d.notation,
        organName: d.organName,
        documentDate: d.documentDate ? localIsoDate(d.documentDate, this.config.timezone) : null,
        subject: d.subject,
        status: d.status,
      }));
  }

  async correct(user: AuthUser, id: string, dto: CorrectMetadataDto) {
    return this.tx.run(async (m) => {
      const d = await this.query.load(user, id, m);
      if (!this.policy.isClerk(user, d.agencyId)) throw forbidden('CORRECTION_CLERK_ONLY');
      const registered = d.direction === 'incoming' ? d.arrivalNumber !== null : ['issued', 'filed'].includes(d.status);
      if (!registered) throw conflict('DOCUMENT_NOT_REGISTERED', { status: d.status });
      const tz = this.config.timezone;
      const day = (x: Date | null) => (x ? localIsoDate(x, tz) : null);
      const wanted: Partial<Record<Field, unknown>> = {
        subject: dto.subject,
        description: dto.description,
        signerName: dto.signerName,
        signerTitle: dto.signerTitle,
        language: dto.language,
        pageCount: dto.pageCount,
        issuedAmount: dto.issuedAmount,
        urgency: dto.urgency === undefined ? undefined : dto.urgency === 'normal' ? null : dto.urgency,
        dueAt: dto.dueDate,
        organName: dto.senderName,
        notation: dto.originalNumber,
        documentDate: dto.originalDate,
      };
      const changes: MetadataChange[] = [];
      const patch: Partial<DocumentEntity> = {};
      for (const [field, value] of Object.entries(wanted) as [Field, unknown][]) {
        if (value === undefined) continue;
        if (INCOMING_ONLY.includes(field) && d.direction !== 'incoming')
          throw badRequest('CORRECTION_FIELD_NOT_ALLOWED', { field });
        const before = field === 'dueAt' || field === 'documentDate' ? day(d[field]) : (d[field] ?? null);
        if (before === value) continue;
        changes.push({ field, old: before as MetadataChange['old'], new: value as MetadataChange['new'] });
        if (field === 'dueAt') patch.dueAt = value ? endOfLocalDay(new Date(`${value as string}T12:00:00Z`), tz) : null;
        else if (field === 'documentDate')
          patch.documentDate = endOfLocalDay(new Date(`${value as string}T12:00:00Z`), tz, 0);
        else (patch as Record<string, unknown>)[field] = value;
      }
      if (!changes.length) throw badRequest('CORRECTION_EMPTY');
      if (patch.subject !== undefined) patch.subjectFolded = foldVietnamese(patch.subject).slice(0, 500);
      if ('urgency' in patch) patch.urgencyRank = URGENCY_RANK[(patch.urgency as Urgency | null) ?? ''] ?? 0;
      if (patch.notation !== undefined) patch.number = /^(\d+)\//.exec(patch.notation ?? '')?.[1] ?? null;
      patch.updatedAt = this.clock.now();
      await m.update(DocumentEntity, { id }, patch);
      const actor = { id: user.id, name: user.fullName };
      await this.trail.record(m, d, actor, 'metadata-corrected', {
        note: dto.reason,
        data: { changes },
        audit: false,
      });
      // The audit log is read by administrators who may not read a secret document: its values stay out.
      await this.audit.record({
        actorId: user.id,
        agencyId: d.agencyId,
        action: 'document.metadata-corrected',
        entityType: 'document',
        entityId: d.id,
        data: d.secrecy ? { fields: changes.map((c) => c.field), reason: null } : { changes, reason: dto.reason },
      });
      return { id, changes };
    });
  }
}
