import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { formatViDate } from '../../common/business-time.js';
import { letterSubject } from '../../common/vietnamese.js';
import { Clock } from '../../common/clock.js';
import { RegistersService } from '../registers/index.js';
import { assertOwnAgency, boundId, type JobContext } from '../workflow/index.js';
import { Directory } from './directory.js';
import { DocumentRenderService } from './document-render.service.js';
import { DocumentTrail, SYSTEM_ACTOR } from './document-trail.service.js';
import { DocumentEntity, type DocumentStatus } from './document.entity.js';
import { InternalIssuance } from './internal-issuance.service.js';

const STATUSES = new Set<string>([
  'drafting',
  'consulting',
  'reviewing',
  'signing',
  'issuing',
  'issued',
  'filed',
  'received',
  'registered',
  'directing',
  'handling',
  'done',
]);

/** Why the flow's filing step did not file the document (the dossiers module's reasons), for its trail. */
const NOT_FILED: Record<string, string> = {
  '': 'Chưa đưa được văn bản vào hồ sơ đã chọn.',
  'dossier-not-found': 'Chưa đưa được văn bản vào hồ sơ: không tìm thấy hồ sơ đã chọn.',
  'dossier-closed': 'Chưa đưa được văn bản vào hồ sơ: hồ sơ đã chọn đã kết thúc.',
  'dossier-submitted': 'Chưa đưa được văn bản vào hồ sơ: hồ sơ đã chọn đã nộp lưu.',
  'dossier-archived': 'Chưa đưa được văn bản vào hồ sơ: hồ sơ đã chọn đã lưu trữ.',
  'dossier-destroyed': 'Chưa đưa được văn bản vào hồ sơ: hồ sơ đã chọn đã bị hủy.',
  'dossier-secrecy-too-low': 'Chưa đưa được văn bản vào hồ sơ: độ mật của hồ sơ thấp hơn độ mật của văn bản.',
};

/**
 * The document the server bound to the job's instance when it started it (never an id from the variables), and
 * only when it belongs to the instance's agency: otherwise an incident, and nothing changes.
 */
export async function loadForJob(m: EntityManager, job: JobContext): Promise<DocumentEntity> {
  const id = boundId(job, 'document');
  const d = await m.findOne(DocumentEntity, { where: { id } });
  if (!d) throw new Error(`${job.taskType}: document ${id} not found`);
  assertOwnAgency(job, 'document', id, d.agencyId);
  return d;
}

/**
 * Workers of the outgoing flow (and the shared status step). Each runs in the transaction that records the job
 * as applied (job.manager) and is idempotent: a replay finds the work done and changes nothing.
 */
@Injectable()
export class OutgoingWorkers {
  constructor(
    private readonly clock: Clock,
    private readonly trail: DocumentTrail,
    private readonly registers: RegistersService,
    private readonly render: DocumentRenderService,
    private readonly directory: Directory,
    private readonly issuance: InternalIssuance,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** documents.set-status, header `status`. */
  async setStatus(job: JobContext) {
    const m = job.manager;
    const status = job.headers.status;
    if (!STATUSES.has(status)) throw new Error(`documents.set-status: unknown status "${status}"`);
    const d = await loadForJob(m, job);
    if (d.status === status) return;
    if (status === 'filed' && job.variables.filed === false) {
      // the dossier chosen could not take it (closed since, say): the document keeps its status and says why
      const reason = String(job.variables.filingSkipped ?? '');
      await this.trail.record(m, d, SYSTEM_ACTOR, 'not-filed', {
        note: NOT_FILED[reason] ?? NOT_FILED[''],
        data: { dossierId: job.variables.dossierId ?? null, reason },
      });
      return;
    }
    await m.update(DocumentEntity, { id: d.id }, { status: status as DocumentStatus, updatedAt: this.clock.now() });
    await this.trail.record(m, d, SYSTEM_ACTOR, 'status', {
      data: { from: d.status, to: status },
      audit: status === 'filed',
    });
  }

  /** documents.return-to-draft: a reviewer, the clerk or the signer returned the draft (art. 11–13). */
  async returnToDraft(job: JobContext) {
    const m = job.manager;
    const d = await loadForJob(m, job);
    if (d.status === 'drafting') return;
    await m.update(DocumentEntity, { id: d.id }, { status: 'drafting', updatedAt: this.clock.now() });
    await this.trail.record(m, d, SYSTEM_ACTOR, 'returned', { data: { from: d.status } });
  }

  /** documents.close-consultation: the opinion deadline passed; missing opinions are recorded as such. */
  async closeConsultation(job: JobContext) {
    const d = await loadForJob(job.manager, job);
    await this.trail.record(job.manager, d, SYSTEM_ACTOR, 'consultation-closed', {
      note: 'Hết hạn góp ý; chuyển bước duyệt.',
    });
  }

  /**
   * documents.assign-number: number, date and outgoing register, in this transaction only (Decree 30/2020,
   * art. 15: unique and sequential within the year; legal normative and secret documents in their own series).
   */
  async assignNumber(job: JobContext) {
    const m = job.manager;
    const d = await loadForJob(m, job);
    if (d.registerId && d.notation) return { variables: { number: d.number, notation: d.notation } };
    const now = this.clock.now();
    const series = d.secrecy ? 'secret' : d.legalNormative ? `legal:${d.typeCode}` : 'administrative';
    const code = await this.render.notationCode(m, d);
    const recipients = await this.directory.agencies(m, d.recipientAgencyIds ?? []);
    const unit = await this.directory.unit(m, d.unitId);
    const taken = await this.registers.takeNumber(m, {
      agencyId: d.agencyId,
      direction: 'outgoing',
      series,
      documentId: d.id,
      at: now,
      columns: {
        numberNotation: '',
        date: formatViDate(now, this.config.timezone),
        typeAndSubject: d.typeCode === 'CV' ? `Công văn ${letterSubject(d.subject)}` : `${d.typeName} ${d.subject}`,
        signer: [d.signerAuthority, d.signerName].filter(Boolean).join(' '),
        recipients: [...recipients.map((a) => a.name), ...(d.externalRecipients ?? [])].join('; '),
        copyHolder: ['VT', unit?.abbreviation].filter(Boolean).join(', '),
        copies: String(d.issuedAmount),
        sentDate: '',
        receiptSignature: '',
        notes: d.secrecy ? 'Mật' : '',
      },
    });
    const notation = `${taken.numberText}/${code}`;
    await this.registers.updateEntry(m, d.id, { numberNotation: notation });
    await m.update(
      DocumentEntity,
      { id: d.id },
      {
        number: taken.numberText,
        notation,
        documentDate: now,
        registerId: taken.registerId,
        registeredAt: now,
        status: 'issuing',
        updatedAt: now,
      },
    );
    await this.trail.record(m, d, SYSTEM_ACTOR, 'numbered', { data: { notation, registerId: taken.registerId } });
    return { variables: { number: taken.numberText, notation } };
  }

  /** documents.issue: issued (art. 18); internal recipients get an incoming document (appendix VI). */
  async issue(job: JobContext) {
    const m = job.manager;
    const d = await loadForJob(m, job);
    const now = this.clock.now();
    if (d.status !== 'issuing') return;
    await m.update(DocumentEntity, { id: d.id }, { status: 'issued', issuedAt: now, updatedAt: now });
    await this.registers.updateEntry(m, d.id, { sentDate: formatViDate(now, this.config.timezone) });
    await this.issuance.deliver(m, { ...d, issuedAt: now });
    await this.trail.record(m, d, SYSTEM_ACTOR, 'issued', {
      data: { notation: d.notation, recipientAgencyIds: d.recipientAgencyIds ?? [] },
    });
  }
}
