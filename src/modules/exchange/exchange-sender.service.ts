import { Inject, Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { DomainError, forbidden, unprocessable } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import type { AuthUser } from '../auth/index.js';
import { DocumentAccessPolicy } from '../auth/index.js';
import { DocumentEntity, DocumentQueryService, DocumentTrail } from '../documents/index.js';
import { AgencyEntity } from '../organizations/index.js';
import type { BusinessKind } from './edxml.js';
import { ExchangeOutbox } from './exchange-outbox.service.js';
import { ExchangeOutboxEntity, ExchangePeerEntity, ExchangeStatusEntity } from './exchange.entity.js';
import { documentIdOf } from './package-builder.js';

/**
 * Sender side: an issued document goes to each external recipient through the outbox (in the issuing
 * transaction; Decree 30/2020, art. 18), recall / update / replace requests follow it, and the statuses the
 * recipients send back make each recipient's timeline on the document page.
 */
@Injectable()
export class ExchangeSender {
  constructor(
    private readonly tx: TransactionService,
    private readonly outbox: ExchangeOutbox,
    private readonly query: DocumentQueryService,
    private readonly trail: DocumentTrail,
    private readonly access: DocumentAccessPolicy,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Recipients of a document that the directory places in another installation (OrganIds). */
  private async targets(m: EntityManager, d: DocumentEntity): Promise<string[]> {
    const agencies = (d.recipientAgencyIds ?? []).length
      ? await m.find(AgencyEntity, { where: { id: In(d.recipientAgencyIds ?? []) } })
      : [];
    const wanted = [...agencies.map((a) => a.organId), ...(d.externalRecipients ?? []).map((x) => x.trim())];
    if (!wanted.length) return [];
    const peers = await m.find(ExchangePeerEntity, { where: { organId: In(wanted), active: true } });
    return peers.map((p) => p.organId);
  }

  /** Listener of `issued`: one package per external recipient, queued in the issuing transaction. */
  async onIssued(m: EntityManager, documentId: string): Promise<void> {
    const d = await m.findOne(DocumentEntity, { where: { id: documentId } });
    if (!d || d.direction !== 'outgoing') return;
    const targets = await this.targets(m, d);
    if (!targets.length) return;
    const from = await m.findOne(AgencyEntity, { where: { id: d.agencyId } });
    if (!from) return;
    const remoteDocumentId = documentIdOf(from.organId, d, this.config.timezone);
    for (const organId of targets)
      await this.outbox.enqueue(m, {
        dedupeKey: `edoc:${d.id}:${organId}:new`,
        agencyId: d.agencyId,
        documentId: d.id,
        kind: 'edoc',
        fromOrganId: from.organId,
        targetOrganId: organId,
        businessKind: 'new',
        reason: '',
        statusCode: null,
        remoteDocumentId,
        staff: null,
      });
  }

  private async loadOwn(user: AuthUser, id: string, m: EntityManager) {
    const d = await this.query.load(user, id, m);
    if (d.direction !== 'outgoing') throw new DomainError('EXCHANGE_NOT_SENT', 'unprocessable');
    return d;
  }

  /**
   * Recall (thu hồi), update (cập nhật) or replace (thay thế) of a document sent through the exchange, with the
   * reason (Decree 30/2020, art. 18.3–18.4): one request package per recipient it was sent to.
   */
  async request(user: AuthUser, id: string, kind: Exclude<BusinessKind, 'new'>, reason: string) {
    return this.tx.run(async (m) => {
      const d = await this.loadOwn(user, id, m);
      if (!this.access.isClerk(user, d.agencyId) && !user.permissions.has('documents.issue'))
        throw forbidden('FORBIDDEN');
      const sent = await m.find(ExchangeOutboxEntity, {
        where: { documentId: d.id, kind: 'edoc', businessKind: 'new' },
      });
      if (!sent.length) throw unprocessable('EXCHANGE_NOT_SENT');
      const earlier = await m.count(ExchangeOutboxEntity, {
        where: { documentId: d.id, kind: 'edoc', businessKind: kind },
      });
      for (const s of sent)
        await this.outbox.enqueue(m, {
          dedupeKey: `edoc:${d.id}:${s.targetOrganId}:${kind}:${earlier / sent.length + 1}`,
          agencyId: d.agencyId,
          documentId: d.id,
          kind: 'edoc',
          fromOrganId: s.fromOrganId,
          targetOrganId: s.targetOrganId,
          businessKind: kind,
          reason,
          statusCode: null,
          remoteDocumentId: s.remoteDocumentId,
          staff: { staff: user.fullName },
        });
      await this.trail.record(m, d, { id: user.id, name: user.fullName }, `exchange-${kind}`, {
        note: reason,
        data: { recipients: sent.map((s) => s.targetOrganId) },
      });
      return { requested: sent.map((s) => s.targetOrganId) };
    });
  }

  /** Each recipient's delivery state and status timeline (the sender's document page). */
  async timeline(user: AuthUser, id: string) {
    const d = await this.query.load(user, id);
    const m = this.tx.manager;
    const [rows, statuses] = await Promise.all([
      m.find(ExchangeOutboxEntity, { where: { documentId: d.id, kind: 'edoc' }, order: { createdAt: 'ASC' } }),
      m.find(ExchangeStatusEntity, { where: { documentId: d.id }, order: { receivedAt: 'ASC' } }),
    ]);
    const organIds = [...new Set(rows.map((r) => r.targetOrganId))];
    const peers = organIds.length ? await m.find(ExchangePeerEntity, { where: { organId: In(organIds) } }) : [];
    return {
      documentId: d.id,
      recipients: organIds.map((organId) => ({
        organId,
        name: peers.find((p) => p.organId === organId)?.name ?? organId,
        packages: rows
          .filter((r) => r.targetOrganId === organId)
          .map((r) => ({
            kind: r.businessKind,
            reason: r.reason,
            state: r.state,
            attempts: r.attempts,
            lastError: r.lastError,
            nextAttemptAt: r.state === 'pending' ? r.nextAttemptAt : null,
            sentAt: r.sentAt,
            createdAt: r.createdAt,
          })),
        statuses: statuses
          .filter((s) => s.organId === organId)
          .map((s) => ({
            code: s.statusCode,
            description: s.description,
            staff: s.staff,
            at: s.timestamp,
            receivedAt: s.receivedAt,
          })),
      })),
    };
  }

  async retry(user: AuthUser, id: string) {
    return this.tx.run(async (m) => {
      const d = await this.loadOwn(user, id, m);
      if (!this.access.isClerk(user, d.agencyId)) throw forbidden('FORBIDDEN');
      return { retried: await this.outbox.retry(m, d.id) };
    });
  }
}
