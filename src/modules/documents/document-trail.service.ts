import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '../../common/clock.js';
import { AuditService } from '../audit/index.js';
import { DocumentEvents } from './document-events.js';
import { DocumentEventEntity, DocumentReaderEntity } from './document-records.entity.js';
import type { DocumentEntity } from './document.entity.js';

export interface TrailActor {
  id: string | null;
  name: string;
}

export const SYSTEM_ACTOR: TrailActor = { id: null, name: 'Hệ thống' };

/**
 * Writes the processing trail (Decree 30/2020, appendix VI III.5.a, III.7) and the audit event of the same
 * change in the caller's transaction. Secret subjects never go into the audit data.
 */
@Injectable()
export class DocumentTrail {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly events: DocumentEvents,
  ) {}

  async record(
    m: EntityManager,
    doc: Pick<DocumentEntity, 'id' | 'agencyId'>,
    actor: TrailActor,
    action: string,
    opts: { note?: string | null; data?: Record<string, unknown>; audit?: boolean } = {},
  ): Promise<void> {
    const event: DocumentEventEntity = {
      id: this.ids.next(),
      documentId: doc.id,
      agencyId: doc.agencyId,
      at: this.clock.now(),
      actorId: actor.id,
      actorName: actor.name,
      action,
      note: opts.note ?? null,
      data: opts.data ?? null,
    };
    // JSON columns defeat TypeORM's deep-partial insert typing; the row is complete.
    await m.insert(DocumentEventEntity, event as never);
    await this.events.emit(m, doc, action, opts.data ?? null);
    if (opts.audit === false) return;
    await this.audit.record({
      actorId: actor.id,
      agencyId: doc.agencyId,
      action: `document.${action}`,
      entityType: 'document',
      entityId: doc.id,
      data: opts.data ?? null,
    });
  }

  /** Adds explicit readers (idempotent). */
  async addReaders(m: EntityManager, documentId: string, userIds: (string | null | undefined)[], reason: string) {
    const ids = [...new Set(userIds.filter((x): x is string => !!x))];
    if (!ids.length) return;
    const existing = await m.find(DocumentReaderEntity, { where: ids.map((userId) => ({ documentId, userId })) });
    const have = new Set(existing.map((r) => r.userId));
    const rows = ids.filter((id) => !have.has(id)).map((userId) => ({ documentId, userId, reason }));
    if (rows.length) await m.insert(DocumentReaderEntity, rows);
  }
}
