import { Inject, Injectable } from '@nestjs/common';
import { Between, In } from 'typeorm';
import { endOfLocalDay, formatViDate, localIsoDate } from '../../common/business-time.js';
import { Clock } from '../../common/clock.js';
import { badRequest } from '../../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import { DocumentAccessPolicy, type AuthUser } from '../auth/index.js';
import { Directory } from './directory.js';
import { DocumentQueryService } from './document-query.service.js';
import { DocumentEntity } from './document.entity.js';
import type { HandlingReportQuery } from './dto/handling-report.dto.js';
import './document-records.messages.js';

export interface HandlingCounts {
  total: number;
  onTime: number;
  late: number;
  open: number;
  /** Of the open ones, those past their deadline. */
  openOverdue: number;
}

export interface HandlingRow extends HandlingCounts {
  key: string;
  name: string;
}

/** One line of the follow-up register of incoming documents (Decree 30/2020, appendix IV: 7 columns). */
export interface FollowUpLine {
  id: string;
  arrivalNumber: number | null;
  arrivalDate: string | null;
  identification: string;
  receiver: string;
  dueDate: string | null;
  progress: string;
  state: 'on-time' | 'late' | 'open' | 'open-overdue';
  replyNotation: string;
  notes: string;
}

const DAY = 24 * 3600 * 1000;
const DONE_INCOMING = ['done', 'filed'];
const DONE_OUTGOING = ['issued', 'filed'];
/** What the reports read of a document (never its body). */
const REPORT_COLUMNS = Object.fromEntries(
  [
    'id',
    'agencyId',
    'direction',
    'status',
    'secrecy',
    'unitId',
    'drafterId',
    'signerId',
    'mainHandlerId',
    'coHandlerIds',
    'dueAt',
    'doneAt',
    'issuedAt',
    'replyToId',
    'arrivalNumber',
    'arrivalDate',
    'notation',
    'documentDate',
    'organName',
    'typeName',
    'subject',
    'instruction',
    'createdAt',
  ].map((k) => [k, true]),
) as Record<keyof DocumentEntity, true>;
const zero = (): HandlingCounts => ({ total: 0, onTime: 0, late: 0, open: 0, openOverdue: 0 });

/**
 * Handling reports (Decree 30/2020 appendix VI "statistics on incoming-document handling; follow-up and chasing",
 * "incoming / outgoing handling report"): per unit and per person, how many documents of the period were handled
 * on time, late, or are still open (and of those, overdue), plus the follow-up register of incoming documents.
 * Incoming: handled = done (doneAt) against the handling deadline (dueAt). Outgoing: handled = issued (issuedAt)
 * against the deadline of the incoming document it replies to; one without a deadline counts on time once issued.
 * Only documents the caller may see are counted or listed (a secret one only by its readers).
 */
@Injectable()
export class HandlingReportService {
  constructor(
    private readonly tx: TransactionService,
    private readonly query: DocumentQueryService,
    private readonly policy: DocumentAccessPolicy,
    private readonly directory: Directory,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private period(q: HandlingReportQuery) {
    const tz = this.config.timezone;
    const now = this.clock.now();
    const today = localIsoDate(now, tz);
    const from = q.from ?? `${today.slice(0, 4)}-01-01`;
    const to = q.to ?? today;
    const start = (day: string) => {
      const probe = new Date(`${day}T12:00:00Z`);
      if (Number.isNaN(probe.getTime()) || probe.toISOString().slice(0, 10) !== day)
        throw badRequest('VALIDATION_FAILED', { fields: 'from/to' });
      return endOfLocalDay(probe, tz, 0);
    };
    const lo = start(from);
    const hi = new Date(start(to).getTime() + DAY - 1);
    if (hi < lo) throw badRequest('REPORT_PERIOD_INVALID');
    if (hi.getTime() - lo.getTime() > 366 * 5 * DAY) throw badRequest('REPORT_PERIOD_INVALID');
    return { from, to, lo, hi, now };
  }

  /** The period's documents of the caller's agency that the caller may see, read in batches. */
  private async visible(user: AuthUser, direction: 'incoming' | 'outgoing', lo: Date, hi: Date, unitId?: string) {
    const m = this.tx.manager;
    const docs = await m.find(DocumentEntity, {
      select: REPORT_COLUMNS,
      where: { agencyId: user.agencyId, direction, createdAt: Between(lo, hi), ...(unitId ? { unitId } : {}) },
      order: { createdAt: 'ASC' },
    });
    const out: DocumentEntity[] = [];
    for (let i = 0; i < docs.length; i += 500) {
      const batch = docs.slice(i, i + 500);
      const facts = await this.query.factsOf(batch, m);
      out.push(...batch.filter((d) => this.policy.canSee(user, facts.get(d.id)!)));
    }
    return out;
  }

  private async deadlines(docs: DocumentEntity[]): Promise<Map<string, Date | null>> {
    const replyTo = [...new Set(docs.map((d) => d.replyToId).filter((x): x is string => !!x))];
    const rows = replyTo.length
      ? await this.tx.manager.find(DocumentEntity, {
          select: { id: true, dueAt: true, notation: true },
          where: { id: In(replyTo) },
        })
      : [];
    return new Map(rows.map((r) => [r.id, r.dueAt]));
  }

  private stateOf(d: DocumentEntity, due: Date | null, now: Date): FollowUpLine['state'] {
    const incoming = d.direction === 'incoming';
    const done = incoming ? DONE_INCOMING.includes(d.status) : DONE_OUTGOING.includes(d.status);
    const at = incoming ? d.doneAt : d.issuedAt;
    if (done) return due && at && at > due ? 'late' : 'on-time';
    return due && due < now ? 'open-overdue' : 'open';
  }

  async report(user: AuthUser, q: HandlingReportQuery) {
    const direction = q.direction ?? 'incoming';
    const { from, to, lo, hi, now } = this.period(q);
    const docs = await this.visible(user, direction, lo, hi, q.unitId);
    const replyDue = direction === 'outgoing' ? await this.deadlines(docs) : new Map<string, Date | null>();
    const m = this.tx.manager;
    const person = (d: DocumentEntity) => (direction === 'incoming' ? d.mainHandlerId : d.drafterId);
    const users = await this.directory.users(
      m,
      docs.map(person).filter((x): x is string => !!x),
    );
    const units = await Promise.all(
      [...new Set(docs.map((d) => d.unitId).filter((x): x is string => !!x))].map((id) => this.directory.unit(m, id)),
    );
    const byUnit = new Map<string, HandlingRow>();
    const byPerson = new Map<string, HandlingRow>();
    const total = zero();
    const add = (map: Map<string, HandlingRow>, key: string, name: string, s: FollowUpLine['state']) => {
      const row = map.get(key) ?? { key, name, ...zero() };
      map.set(key, row);
      bump(row, s);
    };
    const bump = (c: HandlingCounts, s: FollowUpLine['state']) => {
      c.total++;
      if (s === 'on-time') c.onTime++;
      else if (s === 'late') c.late++;
      else {
        c.open++;
        if (s === 'open-overdue') c.openOverdue++;
      }
    };
    for (const d of docs) {
      const due = direction === 'incoming' ? d.dueAt : (replyDue.get(d.replyToId ?? '') ?? null);
      const s = this.stateOf(d, due, now);
      bump(total, s);
      const unit = units.find((u) => u?.id === d.unitId);
      add(byUnit, d.unitId ?? '', unit?.name ?? '', s);
      const p = person(d);
      add(byPerson, p ?? '', users.find((u) => u.id === p)?.fullName ?? '', s);
    }
    const sort = (rows: HandlingRow[]) => rows.sort((a, b) => b.total - a.total || a.name.localeCompare(b.name, 'vi'));
    return {
      direction,
      from,
      to,
      generatedAt: now.toISOString(),
      total,
      byUnit: sort([...byUnit.values()]),
      byPerson: sort([...byPerson.values()]),
    };
  }

  /** The follow-up register of incoming documents of the period (Decree 30/2020, appendix IV). */
  async followUp(user: AuthUser, q: HandlingReportQuery) {
    const { from, to, lo, hi, now } = this.period(q);
    const docs = await this.visible(user, 'incoming', lo, hi, q.unitId);
    const m = this.tx.manager;
    const tz = this.config.timezone;
    const users = await this.directory.users(
      m,
      docs.flatMap((d) => [d.mainHandlerId ?? '', ...(d.coHandlerIds ?? [])]),
    );
    const replies = docs.length
      ? await m.find(DocumentEntity, {
          select: { id: true, replyToId: true, notation: true, status: true },
          where: { agencyId: user.agencyId, direction: 'outgoing', replyToId: In(docs.map((d) => d.id)) },
        })
      : [];
    const name = (id: string | null) => users.find((u) => u.id === id)?.fullName ?? '';
    const day = (x: Date | null) => (x ? localIsoDate(x, tz) : null);
    const lines: FollowUpLine[] = docs
      .sort((a, b) => (a.arrivalNumber ?? Infinity) - (b.arrivalNumber ?? Infinity))
      .map((d) => {
        const state = this.stateOf(d, d.dueAt, now);
        const done = DONE_INCOMING.includes(d.status);
        return {
          id: d.id,
          arrivalNumber: d.arrivalNumber,
          arrivalDate: day(d.arrivalDate),
          identification: [
            d.notation,
            d.documentDate ? formatViDate(d.documentDate, tz) : null,
            d.organName,
            `${d.typeName}: ${d.subject}`,
          ]
            .filter(Boolean)
            .join(' — '),
          receiver: [d.mainHandlerId, ...(d.coHandlerIds ?? [])].map(name).filter(Boolean).join('; '),
          dueDate: day(d.dueAt),
          progress: done ? `done ${day(d.doneAt) ?? ''}`.trim() : d.status,
          state,
          replyNotation: replies
            .filter((r) => r.replyToId === d.id && r.notation)
            .map((r) => r.notation)
            .join('; '),
          notes: d.instruction,
        };
      });
    return { from, to, generatedAt: now.toISOString(), lines };
  }
}
