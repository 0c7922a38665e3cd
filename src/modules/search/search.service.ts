import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { endOfLocalDay } from '../../common/business-time.js';
import { badRequest } from '../../common/domain-error.js';
import { escapeLike } from '../../common/vietnamese.js';
import { TransactionService } from '../../database/transaction.service.js';
import { DocumentAccessPolicy, type AuthUser } from '../auth/index.js';
import { findDocumentType } from '../documents/document-types.js';
import { ContentIndex, dbDate } from './content-index.js';
import { parseContentQuery, snippet, type SnippetPart } from './search-text.js';
import type { SearchQuery } from './search.dto.js';

const COUNT_CAP = 1000;
const URGENCY_RANKS: Record<string, number> = { normal: 0, urgent: 1, 'top-urgent': 2, flash: 3 };

export interface SearchHit {
  id: string;
  direction: string;
  status: string;
  typeCode: string;
  typeName: string;
  subject: string;
  notation: string | null;
  organName: string;
  documentDate: string | null;
  createdAt: string;
  urgency: string | null;
  secrecy: string | null;
  matchedIn: { subject: boolean; content: boolean };
  pages: { page: number; fileName: string; snippet: SnippetPart[] }[];
}

/**
 * Content and metadata search of the caller's agency. Access is the document list's (document-access.policy.ts):
 * secret documents only through the explicit reader list, others by the whole agency's roles or the unit; the
 * same predicate limits the results, the count and the documents whose pages give snippets, so a secret
 * document's text never reaches anyone who may not open it.
 */
@Injectable()
export class SearchService {
  private readonly index: ContentIndex;

  constructor(
    private readonly tx: TransactionService,
    private readonly access: DocumentAccessPolicy,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.index = new ContentIndex(tx.isSqlite);
  }

  async search(user: AuthUser, q: SearchQuery) {
    const query = parseContentQuery(q.q);
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    if (!query.groups.length) return { items: [], total: 0, totalCapped: false, page, pageSize };
    const scope = this.access.listScope(user);
    const where: string[] = ['d.agency_id = ?'];
    const params: unknown[] = [scope.agencyId];
    const reader = 'd.id IN (SELECT r.document_id FROM document_reader r WHERE r.user_id = ?)';
    if (scope.wholeAgency) {
      where.push(`(d.secrecy IS NULL OR ${reader})`);
      params.push(scope.userId);
    } else if (scope.unitIds.length) {
      where.push(`(${reader} OR (d.secrecy IS NULL AND d.unit_id IN (${scope.unitIds.map(() => '?').join(', ')})))`);
      params.push(scope.userId, ...scope.unitIds);
    } else {
      where.push(reader);
      params.push(scope.userId);
    }
    this.filters(q, where, params);
    const escape = this.tx.isSqlite ? " ESCAPE '\\'" : '';
    const subject = query.groups.map(() => `d.subject_folded LIKE ?${escape}`).join(' AND ');
    const subjectParams = query.groups.map((g) => `%${escapeLike(g.join(' '))}%`);
    const content = this.index.matchingDocuments(query);
    const contentSql = this.tx.isSqlite ? content.sql : `${content.sql} AND agency_id = ?`;
    const contentParams = this.tx.isSqlite ? content.params : [...content.params, scope.agencyId];
    where.push(`((${subject}) OR d.id IN (${contentSql}))`);
    params.push(...subjectParams, ...contentParams);
    const base = `SELECT d.id FROM document d WHERE ${where.join(' AND ')}`;
    const offset = (page - 1) * pageSize;
    const m = this.tx.manager;
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT d.id AS id, d.direction AS direction, d.status AS status, d.type_code AS typeCode,
              d.type_name AS typeName, d.subject AS subject, d.subject_folded AS subjectFolded,
              d.notation AS notation, d.organ_name AS organName, d.document_date AS documentDate,
              d.created_at AS createdAt, d.urgency AS urgency, d.secrecy AS secrecy
       FROM document d WHERE d.id IN (SELECT id FROM (${base} ORDER BY d.created_at DESC LIMIT ${pageSize} OFFSET ${offset}) p)
       ORDER BY d.created_at DESC`,
      params,
    );
    let total = offset + rows.length;
    let totalCapped = false;
    if (rows.length === pageSize || (rows.length === 0 && offset > 0)) {
      const [row] = await m.query(`SELECT COUNT(*) AS n FROM (${base} LIMIT ${COUNT_CAP + 1}) c`, params);
      const n = Number(row?.n ?? 0);
      total = Math.min(n, COUNT_CAP);
      totalCapped = n > COUNT_CAP;
    }
    const pages = await this.index.matchingPages(
      m,
      query,
      rows.map((r) => r.id as string),
    );
    const items: SearchHit[] = rows.map((r) => {
      const mine = pages.filter((p) => p.documentId === r.id);
      const folded = String(r.subjectFolded ?? '');
      return {
        id: r.id as string,
        direction: r.direction as string,
        status: r.status as string,
        typeCode: r.typeCode as string,
        typeName: r.typeName as string,
        subject: r.subject as string,
        notation: (r.notation as string | null) ?? null,
        organName: (r.organName as string) ?? '',
        documentDate: r.documentDate ? new Date(r.documentDate as string).toISOString() : null,
        createdAt: new Date(r.createdAt as string).toISOString(),
        urgency: (r.urgency as string | null) ?? null,
        secrecy: (r.secrecy as string | null) ?? null,
        matchedIn: { subject: query.groups.every((g) => folded.includes(g.join(' '))), content: mine.length > 0 },
        pages: mine.map((p) => ({ page: p.page, fileName: p.fileName, snippet: snippet(p.text, query) })),
      };
    });
    return { items, total, totalCapped, page, pageSize };
  }

  private filters(q: SearchQuery, where: string[], params: unknown[]) {
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (q.direction) add('d.direction = ?', q.direction);
    if (q.status) add('d.status = ?', q.status);
    if (q.typeCode) add('d.type_code = ?', findDocumentType(q.typeCode)?.code ?? q.typeCode);
    if (q.urgency) add('d.urgency_rank = ?', URGENCY_RANKS[q.urgency]);
    if (q.from) add('d.created_at >= ?', dbDate(this.tx.isSqlite, this.dayStart(q.from, 0)));
    if (q.to) add('d.created_at < ?', dbDate(this.tx.isSqlite, this.dayStart(q.to, 1)));
  }

  private dayStart(day: string, plusDays: number): Date {
    const [y, mo, da] = day.split('-').map(Number);
    const probe = new Date(Date.UTC(y, mo - 1, da));
    if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== da)
      throw badRequest('VALIDATION_FAILED', { fields: 'from/to' });
    const start = endOfLocalDay(new Date(`${day}T12:00:00Z`), this.config.timezone, 0);
    return new Date(start.getTime() + plusDays * 24 * 3600 * 1000);
  }
}
