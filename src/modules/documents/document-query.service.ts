import { Inject, Injectable } from '@nestjs/common';
import { In, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { endOfLocalDay } from '../../common/business-time.js';
import { badRequest, notFound } from '../../common/domain-error.js';
import { escapeLike, foldVietnamese } from '../../common/vietnamese.js';
import { fastFindById, fastSelect, fastSelectPage } from '../../database/fast-sql.js';
import { TransactionService } from '../../database/transaction.service.js';
import { DocumentAccessPolicy, type AuthUser, type DocumentAccessFacts } from '../auth/index.js';
import { DocumentEventEntity, DocumentFileEntity, DocumentRecipientEntity } from './document-records.entity.js';
import { LIST_COLUMNS, toDetail, toListItem } from './document-mapper.js';
import { DocumentEntity } from './document.entity.js';
import type { ListDocumentsQuery } from './dto/documents.dto.js';
import { Directory } from './directory.js';
import { findDocumentType, URGENCY_RANK } from './document-types.js';

/** Lists report an exact total up to this many matches. */
export const COUNT_CAP = 1_000;

/** The urgency ranks a document can have (normal is 0), highest first. */
const ALL_RANKS = [...new Set([...Object.values(URGENCY_RANK), 0])].sort((a, b) => b - a).join(', ');

/** Reads: one document (with the access check), lists with filters, the trail, the recipients' progress. */
@Injectable()
export class DocumentQueryService {
  constructor(
    private readonly tx: TransactionService,
    private readonly access: DocumentAccessPolicy,
    private readonly directory: Directory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async facts(d: DocumentEntity, m: EntityManager = this.tx.manager): Promise<DocumentAccessFacts> {
    return (await this.factsOf([d], m)).get(d.id)!;
  }

  /** The access facts of several documents: one statement for their readers, whatever their number. */
  async factsOf(
    docs: Pick<DocumentEntity, 'id' | 'agencyId' | 'secrecy' | 'unitId' | 'drafterId' | 'signerId'>[],
    m: EntityManager = this.tx.manager,
  ): Promise<Map<string, DocumentAccessFacts>> {
    const readers = new Map(docs.map((d) => [d.id, [] as string[]]));
    if (docs.length) {
      const rows: { documentId: string; userId: string }[] = await m.query(
        `SELECT document_id AS documentId, user_id AS userId FROM document_reader WHERE document_id IN (${docs
          .map(() => '?')
          .join(',')})`,
        docs.map((d) => d.id),
      );
      for (const r of rows) readers.get(r.documentId)?.push(r.userId);
    }
    return new Map(
      docs.map((d) => [
        d.id,
        {
          agencyId: d.agencyId,
          secrecy: d.secrecy,
          unitId: d.unitId,
          drafterId: d.drafterId,
          signerId: d.signerId,
          readerIds: readers.get(d.id)!,
        },
      ]),
    );
  }

  /** The document if the user may see it; "not found" otherwise, whether missing or forbidden. */
  async load(user: AuthUser, id: string, m: EntityManager = this.tx.manager): Promise<DocumentEntity> {
    const d = await fastFindById(m, DocumentEntity, id);
    if (!d || !this.access.canSee(user, await this.facts(d, m))) throw notFound('document', id);
    return d;
  }

  async detail(user: AuthUser, id: string) {
    const d = await this.load(user, id);
    const m = this.tx.manager;
    const files = await fastSelect(
      m,
      DocumentFileEntity,
      m
        .getRepository(DocumentFileEntity)
        .createQueryBuilder('f')
        .where('f.document_id = :id', { id })
        .orderBy('f.created_at', 'ASC')
        .addOrderBy('f.version', 'ASC'),
      ['id', 'role', 'version', 'name', 'sha256', 'mediaType', 'size', 'note', 'createdAt'],
    );
    // the draft the unit head approved (version and hash): what the signer is shown and what the signature covers
    const approval = await m.findOne(DocumentEventEntity, {
      where: { documentId: d.id, action: 'review-approved' },
      order: { at: 'DESC' },
    });
    const reviewedDraft = approval
      ? {
          version: (approval.data?.draftVersion as number | null) ?? null,
          sha256: (approval.data?.draftSha256 as string | null) ?? null,
          at: approval.at.toISOString(),
        }
      : null;
    return toDetail(d, {
      reviewedDraft,
      dossierIds: d.dossierId && ['filed'].includes(d.status) ? [d.dossierId] : [],
      files: files.map((f) => ({
        id: f.id,
        role: f.role,
        version: f.version,
        name: f.name,
        sha256: f.sha256,
        mediaType: f.mediaType,
        size: f.size,
        note: f.note,
        createdAt: f.createdAt.toISOString(),
      })),
    });
  }

  /**
   * Paged list: the page of ids and the total come from the covering list index (see document.entity.ts), the
   * page's rows joined to its ids in the same statement. Access (document-access.policy.ts): secret
   * documents only through the explicit reader list; drafters are readers of their drafts.
   */
  async list(user: AuthUser, q: ListDocumentsQuery) {
    const scope = this.access.listScope(user);
    const m = this.tx.manager;
    const qb = m
      .createQueryBuilder()
      .from(DocumentEntity, 'd')
      .where('d.agency_id = :agencyId', { agencyId: scope.agencyId })
      .setParameter('uid', scope.userId);
    const reader = 'd.id IN (SELECT r.document_id FROM document_reader r WHERE r.user_id = :uid)';
    if (scope.wholeAgency) qb.andWhere(`(d.secrecy IS NULL OR ${reader})`);
    else if (scope.unitIds.length)
      qb.andWhere(`(${reader} OR (d.secrecy IS NULL AND d.unit_id IN (:...units)))`, { units: scope.unitIds });
    else qb.andWhere(reader);
    this.filters(qb, q);
    const pageSize = q.pageSize ?? 20;
    const page = q.page ?? 1;
    const sort = q.sort ?? 'urgency';
    // Every rank, spelled out: with it SQLite reads a date range of the urgency-first indexes as one range per
    // rank, highest first, already in the list's order, and stops at the page; without it, it reads the whole
    // range and sorts it (at 1,000,000 documents, a year's page of ids 0.29 → 0.02 ms). The same matches.
    if (sort === 'urgency' && !q.urgency) qb.andWhere(`d.urgency_rank IN (${ALL_RANKS})`);
    // The filtered ids' statement is built once (TypeORM's query builder is a sizeable part of a list's CPU); the
    // page and the capped count are that statement with an order and a limit around it.
    const [base, params] = qb.select('d.id', 'id').getQueryAndParameters();
    const order =
      sort === 'urgency'
        ? 'd.urgency_rank DESC, d.created_at DESC'
        : `d.created_at ${sort === 'oldest' ? 'ASC' : 'DESC'}`;
    const offset = (page - 1) * pageSize;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(pageSize)) throw badRequest('VALIDATION_FAILED');
    const countCapped = async () => {
      const [row] = await m.query(`SELECT COUNT(*) AS n FROM (${base} LIMIT ${COUNT_CAP + 1}) capped`, params);
      return Number(row?.n ?? 0);
    };
    // MySQL answers the page and the count on two pooled connections at once; SQLite has one connection, so
    // it counts only when the page is full (a short page already gives the exact total).
    const parallelCount = this.tx.isSqlite ? undefined : countCapped();
    parallelCount?.catch(() => undefined); // handled below; never an unhandled rejection if the page query fails
    // the page's ids from the covering index, joined to their rows, in one statement
    const rows = await fastSelectPage(
      m,
      DocumentEntity,
      { sql: `${base} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${offset}`, params },
      LIST_COLUMNS,
      order,
    );
    // The total is exact up to COUNT_CAP and then reported as capped ("1 000+"), so counting never scans a
    // large agency's whole history.
    let total = offset + rows.length;
    let totalCapped = false;
    if (rows.length === pageSize || (rows.length === 0 && offset > 0)) {
      const n = await (parallelCount ?? countCapped());
      total = Math.min(n, COUNT_CAP);
      totalCapped = n > COUNT_CAP;
    } else await parallelCount;
    return { items: rows.map(toListItem), total, totalCapped, page, pageSize };
  }

  private filters(qb: SelectQueryBuilder<ObjectLiteral>, q: ListDocumentsQuery) {
    if (q.direction) qb.andWhere('d.direction = :direction', { direction: q.direction });
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
    if (q.typeCode)
      qb.andWhere('d.type_code = :typeCode', { typeCode: findDocumentType(q.typeCode)?.code ?? q.typeCode });
    if (q.urgency)
      qb.andWhere('d.urgency_rank = :rank', { rank: { normal: 0, urgent: 1, 'top-urgent': 2, flash: 3 }[q.urgency] });
    // Backslash escapes LIKE wildcards: MySQL's default, SQLite needs ESCAPE (and MySQL would read '\' as a quote).
    const escape = this.tx.isSqlite ? " ESCAPE '\\'" : '';
    if (q.number) {
      const prefix = q.number.normalize('NFC');
      // SQLite cannot use the (agency, notation) index for LIKE on a binary column: a prefix without letters
      // (the usual "15/") becomes a range, which it can; letters keep LIKE's case-insensitive match.
      if (this.tx.isSqlite && !/\p{L}/u.test(prefix))
        qb.andWhere('d.notation >= :lo AND d.notation < :hi', { lo: prefix, hi: `${prefix}\uffff` });
      else qb.andWhere(`d.notation LIKE :notation${escape}`, { notation: `${escapeLike(prefix)}%` });
    }
    if (q.from) qb.andWhere('d.created_at >= :from', { from: this.dayStart(q.from, 0) });
    if (q.to) qb.andWhere('d.created_at < :to', { to: this.dayStart(q.to, 1) });
    if (q.q) {
      const folded = foldVietnamese(q.q);
      if (folded) qb.andWhere(`d.subject_folded LIKE :q${escape}`, { q: `%${escapeLike(folded)}%` });
    }
  }

  /** Start instants of filter days (the zone computation is costly per request; a day's start never changes). */
  private readonly dayStarts = new Map<string, number>();

  private dayStart(day: string, plusDays: number): Date {
    const key = `${day}+${plusDays}`;
    const hit = this.dayStarts.get(key);
    if (hit !== undefined) return new Date(hit);
    const [y, mo, da] = day.split('-').map(Number);
    const probe = new Date(Date.UTC(y, mo - 1, da));
    if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== da)
      throw badRequest('VALIDATION_FAILED', { fields: 'from/to' });
    const start = endOfLocalDay(new Date(`${day}T12:00:00Z`), this.config.timezone, 0);
    const at = start.getTime() + plusDays * 24 * 3600 * 1000;
    if (this.dayStarts.size >= 10_000) this.dayStarts.clear();
    this.dayStarts.set(key, at);
    return new Date(at);
  }

  async history(user: AuthUser, id: string) {
    await this.load(user, id);
    const rows = await this.tx.manager.find(DocumentEventEntity, { where: { documentId: id }, order: { at: 'ASC' } });
    return rows.map((e) => ({
      at: e.at.toISOString(),
      actorId: e.actorId,
      actorName: e.actorName,
      action: e.action,
      note: e.note,
      data: e.data,
    }));
  }

  /** Internal recipients and the processing status of the incoming document at each (appendix VI). */
  async recipients(user: AuthUser, id: string) {
    await this.load(user, id);
    const m = this.tx.manager;
    const rows = await m.find(DocumentRecipientEntity, { where: { documentId: id } });
    const incoming = rows.length
      ? await m.find(DocumentEntity, { where: { id: In(rows.map((r) => r.incomingDocumentId ?? '')) } })
      : [];
    const agencies = await this.directory.agencies(
      m,
      rows.map((r) => r.agencyId),
    );
    return rows.map((r) => {
      const d = incoming.find((x) => x.id === r.incomingDocumentId);
      return {
        agencyId: r.agencyId,
        agencyName: agencies.find((a) => a.id === r.agencyId)?.name ?? '',
        sentAt: r.sentAt.toISOString(),
        incomingDocumentId: r.incomingDocumentId,
        status: d?.status ?? 'sent',
        arrivalNumber: d?.arrivalNumber ?? null,
        registeredAt: d?.registeredAt?.toISOString() ?? null,
        doneAt: d?.doneAt?.toISOString() ?? null,
      };
    });
  }

  /** Same number and notation from the same issuing body already received this agency (appendix VI II). */
  async duplicatesOf(m: EntityManager, d: DocumentEntity): Promise<{ id: string; arrivalNumber: number | null }[]> {
    if (!d.notation) return [];
    const rows = await m.find(DocumentEntity, {
      where: { agencyId: d.agencyId, direction: 'incoming', notation: d.notation, organName: d.organName },
    });
    return rows.filter((r) => r.id !== d.id).map((r) => ({ id: r.id, arrivalNumber: r.arrivalNumber }));
  }
}
