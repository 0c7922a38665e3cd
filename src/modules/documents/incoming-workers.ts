import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { addWorkingDays, endOfLocalDay, formatViDate } from '../../common/business-time.js';
import { Clock } from '../../common/clock.js';
import { RegistersService } from '../registers/index.js';
import type { JobContext } from '../workflow/index.js';
import { Directory } from './directory.js';
import { DocumentEvents } from './document-events.js';
import { DocumentTrail, SYSTEM_ACTOR } from './document-trail.service.js';
import { DocumentEntity } from './document.entity.js';
import { loadForJob } from './outgoing-workers.js';

/** Default handling deadline when the leader sets none: 10 working days (unconfirmed; agencies' working rules). */
const DEFAULT_HANDLING_DAYS = 10;

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Workers of the incoming flow; idempotent, in the job's transaction. */
@Injectable()
export class IncomingWorkers {
  constructor(
    private readonly clock: Clock,
    private readonly trail: DocumentTrail,
    private readonly registers: RegistersService,
    private readonly directory: Directory,
    private readonly events: DocumentEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** documents.register-incoming: arrival number in the incoming register (Decree 30/2020, art. 22.2). */
  async register(job: JobContext) {
    const m = job.manager;
    const d = await loadForJob(m, job);
    if (d.arrivalNumber) return { variables: { arrivalNumber: d.arrivalNumber } };
    const now = this.clock.now();
    const tz = this.config.timezone;
    const taken = await this.registers.takeNumber(m, {
      agencyId: d.agencyId,
      direction: 'incoming',
      series: d.secrecy ? 'incoming-secret' : 'incoming',
      documentId: d.id,
      at: now,
      columns: {
        arrivalDate: formatViDate(d.arrivalDate ?? now, tz),
        arrivalNumber: '',
        author: d.organName,
        numberNotation: d.notation ?? '',
        date: d.documentDate ? formatViDate(d.documentDate, tz) : '',
        typeAndSubject: `${d.typeName} ${d.subject}`,
        receiver: '',
        transferDate: '',
        receiptSignature: '',
        notes: d.secrecy ? 'Mật' : '',
      },
    });
    await this.registers.updateEntry(m, d.id, { arrivalNumber: String(taken.number) });
    await m.update(
      DocumentEntity,
      { id: d.id },
      {
        arrivalNumber: taken.number,
        registerId: taken.registerId,
        registeredAt: now,
        status: 'registered',
        updatedAt: now,
      },
    );
    await this.trail.record(m, d, SYSTEM_ACTOR, 'registered', { data: { arrivalNumber: taken.number } });
    return { variables: { arrivalNumber: taken.number } };
  }

  /** documents.record-direction: applies the leader's direction (art. 23) and sets the handling deadline. */
  async recordDirection(job: JobContext) {
    const m = job.manager;
    const d = await loadForJob(m, job);
    const v = job.variables;
    const tz = this.config.timezone;
    const mainHandlerId = typeof v.mainHandlerId === 'string' ? v.mainHandlerId : null;
    const coHandlerIds = ids(v.coHandlerIds).filter((x) => x !== mainHandlerId);
    const forInformationIds = ids(v.forInformationIds);
    const now = this.clock.now();
    const dueAt =
      typeof v.dueDate === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v.dueDate)
        ? endOfLocalDay(new Date(`${v.dueDate.slice(0, 10)}T12:00:00Z`), tz)
        : (d.dueAt ?? addWorkingDays(now, DEFAULT_HANDLING_DAYS, tz, this.config.publicHolidays));
    const handler = await this.directory.user(m, mainHandlerId);
    const unit = await this.directory.unit(m, handler?.unitId ?? null);
    await m.update(
      DocumentEntity,
      { id: d.id },
      {
        mainHandlerId,
        coHandlerIds,
        forInformationIds,
        instruction: typeof v.instruction === 'string' ? v.instruction.slice(0, 1000) : '',
        unitId: handler?.unitId ?? d.unitId,
        dueAt,
        status: 'handling',
        updatedAt: now,
      },
    );
    await this.trail.addReaders(m, d.id, [mainHandlerId], 'handler');
    await this.trail.addReaders(m, d.id, coHandlerIds, 'co-handler');
    await this.trail.addReaders(m, d.id, forInformationIds, 'for-information');
    await this.registers.updateEntry(m, d.id, {
      receiver: [unit?.name, handler?.fullName].filter(Boolean).join(' - '),
      transferDate: formatViDate(now, tz),
    });
    // handling starts with the direction recorded (QCVN 102 status 05 for a document received by exchange)
    await this.events.emit(m, d, 'handling', { mainHandlerId });
    return { variables: { dueAt: dueAt.toISOString(), coHandlerIds, mainHandlerId } };
  }

  /** documents.mark-overdue: the deadline passed while the handler was still working (art. 24: chased). */
  async markOverdue(job: JobContext) {
    const m = job.manager;
    const d = await loadForJob(m, job);
    if (d.overdue || d.status !== 'handling') return;
    await m.update(DocumentEntity, { id: d.id }, { overdue: true, updatedAt: this.clock.now() });
    await this.trail.record(m, d, SYSTEM_ACTOR, 'overdue', { note: 'Quá hạn xử lý; đã nhắc người xử lý.' });
  }

  /** documents.complete: handling finished. */
  async complete(job: JobContext) {
    const m = job.manager;
    const d = await loadForJob(m, job);
    if (d.status === 'done' || d.status === 'filed') return;
    const now = this.clock.now();
    await m.update(DocumentEntity, { id: d.id }, { status: 'done', doneAt: now, updatedAt: now });
    await this.trail.record(m, d, SYSTEM_ACTOR, 'done');
  }
}
