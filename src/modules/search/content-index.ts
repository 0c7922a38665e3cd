import type { EntityManager } from 'typeorm';
import { ContentPageEntity } from '../digitization/content.entity.js';
import { type ContentQuery, foldKeepingOffsets, fts5Match, mariaBooleanQuery, mariaIndexText } from './search-text.js';

export interface IndexedPage {
  page: number;
  text: string;
}

/**
 * The full-text index over the pages of stored files. SQLite: FTS5 (`content_fts`, unicode61 with
 * remove_diacritics 2) over text folded by us (đ → d). MariaDB: InnoDB FULLTEXT over the folded text with every
 * word written as w_<word> — the server's innodb_ft_min_token_size (3 by default, a start-up setting) would
 * otherwise drop "về", "Hà" and every other two-letter syllable, and its stopword list "là". Chosen over an index
 * of our own (one row per word and page) because the server keeps it, ranks it and answers phrases.
 */
export class ContentIndex {
  constructor(private readonly sqlite: boolean) {}

  /** Replaces the pages of one job's file (a retried job writes them again, never twice). */
  async replace(
    m: EntityManager,
    job: { id: string; documentId: string; agencyId: string; fileName: string },
    pages: IndexedPage[],
    newId: () => string,
  ): Promise<void> {
    await this.remove(m, job.id);
    for (const p of pages) {
      const text = p.text.normalize('NFC');
      if (!text.trim()) continue;
      const id = newId();
      await m.insert(ContentPageEntity, {
        id,
        jobId: job.id,
        documentId: job.documentId,
        agencyId: job.agencyId,
        fileName: job.fileName.slice(0, 255),
        page: p.page,
        text,
      });
      const folded = foldKeepingOffsets(text);
      if (this.sqlite)
        await m.query('INSERT INTO content_fts (folded, page_id, document_id, page) VALUES (?, ?, ?, ?)', [
          folded,
          id,
          job.documentId,
          p.page,
        ]);
      else
        await m.query(
          'INSERT INTO content_fts (page_id, document_id, agency_id, page, folded) VALUES (?, ?, ?, ?, ?)',
          [id, job.documentId, job.agencyId, p.page, mariaIndexText(folded)],
        );
    }
  }

  async remove(m: EntityManager, jobId: string): Promise<void> {
    const old: { id: string }[] = await m.query('SELECT id FROM content_page WHERE job_id = ?', [jobId]);
    if (!old.length) return;
    const ids = old.map((r) => r.id);
    const marks = ids.map(() => '?').join(', ');
    await m.query(`DELETE FROM content_fts WHERE page_id IN (${marks})`, ids);
    await m.query(`DELETE FROM content_page WHERE id IN (${marks})`, ids);
  }

  /**
   * SQL (and its parameters) selecting the ids of documents with a page matching the query, to be used as
   * `d.id IN (…)` inside a statement that already limits the agency and the caller's access.
   */
  matchingDocuments(query: ContentQuery): { sql: string; params: unknown[] } {
    return this.sqlite
      ? { sql: 'SELECT document_id FROM content_fts WHERE content_fts MATCH ?', params: [fts5Match(query)] }
      : {
          sql: 'SELECT document_id FROM content_fts WHERE MATCH(folded) AGAINST (? IN BOOLEAN MODE)',
          params: [mariaBooleanQuery(query)],
        };
  }

  /** The matching pages of these (already access-checked) documents, at most `perDocument` each. */
  async matchingPages(
    m: EntityManager,
    query: ContentQuery,
    documentIds: string[],
    perDocument = 3,
  ): Promise<{ documentId: string; page: number; fileName: string; text: string }[]> {
    if (!documentIds.length || !query.groups.length) return [];
    const marks = documentIds.map(() => '?').join(', ');
    const match = this.matchingDocuments(query);
    const sql = this.sqlite
      ? `SELECT page_id AS pageId FROM content_fts WHERE content_fts MATCH ? AND document_id IN (${marks})`
      : `SELECT page_id AS pageId FROM content_fts WHERE MATCH(folded) AGAINST (? IN BOOLEAN MODE) AND document_id IN (${marks})`;
    const hits: { pageId: string }[] = await m.query(sql, [match.params[0], ...documentIds]);
    if (!hits.length) return [];
    const pageMarks = hits.map(() => '?').join(', ');
    const rows: { documentId: string; page: number; fileName: string; text: string }[] = await m.query(
      `SELECT document_id AS documentId, page, file_name AS fileName, text FROM content_page WHERE id IN (${pageMarks})
       ORDER BY document_id, page`,
      hits.map((h) => h.pageId),
    );
    const count = new Map<string, number>();
    return rows.filter((r) => {
      const n = (count.get(r.documentId) ?? 0) + 1;
      count.set(r.documentId, n);
      return n <= perDocument;
    });
  }

  /** Bytes the index takes (benchmarks): FTS5's shadow tables, or the InnoDB table with its FULLTEXT index. */
  async sizeBytes(m: EntityManager): Promise<number> {
    if (this.sqlite) {
      const [row] = await m.query(
        "SELECT SUM(pgsize) AS n FROM dbstat WHERE name LIKE 'content_fts%' OR name = 'content_page'",
      );
      return Number(row?.n ?? 0);
    }
    const [row] = await m.query(
      `SELECT SUM(data_length + index_length) AS n FROM information_schema.tables
       WHERE table_schema = DATABASE() AND table_name IN ('content_fts', 'content_page')`,
    );
    return Number(row?.n ?? 0);
  }
}

/** A Date as a raw statement's parameter: TypeORM's SQLite text form (UTC, ms), a Date for mysql2. */
export const dbDate = (sqlite: boolean, d: Date): Date | string =>
  sqlite ? d.toISOString().replace('T', ' ').replace('Z', '') : d;
