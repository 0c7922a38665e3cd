import { Injectable, Logger } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '../../common/clock.js';
import { TransactionService } from '../../database/transaction.service.js';
import { DocumentEvents } from './document-events.js';
import { DocumentFileEntity, DocumentRecipientEntity } from './document-records.entity.js';
import { DocumentTrail, SYSTEM_ACTOR } from './document-trail.service.js';
import { DocumentEntity } from './document.entity.js';
import { DocumentsService } from './documents.service.js';

/**
 * Issuing to another agency of the same installation (Decree 30/2020, appendix VI: the sender sees the
 * receiver's processing status): the receiver gets an incoming document with the signed PDF and the metadata,
 * in state `received`, and its incoming process starts once the issuing transaction has committed.
 */
@Injectable()
export class InternalIssuance {
  private readonly logger = new Logger('InternalIssuance');

  constructor(
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly documents: DocumentsService,
    private readonly trail: DocumentTrail,
    private readonly events: DocumentEvents,
  ) {}

  async deliver(m: EntityManager, d: DocumentEntity): Promise<string[]> {
    const created: string[] = [];
    const now = this.clock.now();
    const signed = await m.findOne(DocumentFileEntity, {
      where: { documentId: d.id, role: 'signed' },
      order: { version: 'DESC' },
    });
    // agencies the exchange directory places in another installation get it through the exchange instead
    const external = await this.events.external(m, d.recipientAgencyIds ?? []);
    for (const agencyId of d.recipientAgencyIds ?? []) {
      if (agencyId === d.agencyId || external.has(agencyId)) continue;
      const existing = await m.findOne(DocumentRecipientEntity, { where: { documentId: d.id, agencyId } });
      if (existing) continue;
      const id = this.ids.next();
      const incoming = await this.documents.insertIncoming(m, {
        id,
        agencyId,
        typeCode: d.typeCode,
        typeName: d.typeName,
        subject: d.subject,
        organName: d.organName,
        senderAgencyId: d.agencyId,
        notation: d.notation,
        documentDate: d.documentDate,
        signerName: d.signerName,
        signerTitle: d.signerTitle,
        urgency: d.urgency,
        secrecy: d.secrecy,
        pageCount: d.pageCount,
        language: d.language,
        pdfSha256: d.pdfSha256,
        sourceDocumentId: d.id,
        createdBy: null,
      });
      if (signed)
        await this.documents.addFile(
          m,
          id,
          { role: 'main', name: signed.name, sha256: signed.sha256, mediaType: signed.mediaType, size: signed.size },
          null,
        );
      await m.insert(DocumentRecipientEntity, {
        id: this.ids.next(),
        documentId: d.id,
        agencyId,
        incomingDocumentId: id,
        sentAt: now,
      });
      await this.trail.record(m, incoming, SYSTEM_ACTOR, 'received', {
        data: { sourceDocumentId: d.id, senderAgencyId: d.agencyId, notation: d.notation },
      });
      created.push(id);
    }
    if (created.length) this.tx.afterCommit(() => this.startPending(created));
    return created;
  }

  /** Starts the incoming processes of received documents that have none yet (after commit, and at start-up). */
  async startPending(ids?: string[]): Promise<void> {
    const where = ids
      ? { id: In(ids), processInstanceId: IsNull() }
      : { direction: 'incoming' as const, status: 'received' as const, processInstanceId: IsNull() };
    const pending = await this.tx.manager.find(DocumentEntity, { where, take: 500 });
    for (const doc of pending) {
      try {
        await this.tx.run(async (m) => {
          const fresh = await m.findOne(DocumentEntity, { where: { id: doc.id } });
          if (!fresh || fresh.processInstanceId) return;
          await this.documents.startIncoming(m, fresh, null);
        });
      } catch (e) {
        this.logger.error(`incoming process for ${doc.id} not started: ${(e as Error).message}`);
      }
    }
  }
}
