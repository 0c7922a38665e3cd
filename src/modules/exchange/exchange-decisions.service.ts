import { Injectable, Logger } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '../../common/clock.js';
import { DomainError, forbidden, notFound } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { DocumentAccessPolicy, type AuthUser } from '../auth/index.js';
import { DocumentEntity, DocumentsService, DocumentTrail, ProcessGateway } from '../documents/index.js';
import { AgencyEntity } from '../organizations/index.js';
import { StorageService } from '../storage/index.js';
import { parsePackage, type StatusCode } from './edxml.js';
import { ExchangeReceiver } from './exchange-receiver.service.js';
import { ExchangeReceivedEntity } from './exchange.entity.js';

/** Trail actions of a received document that the sender hears of, with their QCVN 102 status codes. */
const STATUS_OF_ACTION: Record<string, [StatusCode, string]> = {
  registered: ['03', 'Đã vào sổ văn bản đến.'],
  direction: ['04', 'Lãnh đạo đã cho ý kiến chỉ đạo.'],
  handling: ['05', 'Đang xử lý.'],
  done: ['06', 'Đã xử lý xong.'],
};

/**
 * The recipient's clerk's decisions on what came through the exchange: return a document to its sender (02 with
 * the reason; art. 21.2), and agree (15) or refuse (16) a recall, update or replacement (art. 18.3–18.4b: a
 * recalled document is cancelled and kept as cancelled). Also queues 03–06 as the incoming flow moves.
 */
@Injectable()
export class ExchangeDecisions {
  private readonly logger = new Logger('ExchangeDecisions');

  constructor(
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly receiver: ExchangeReceiver,
    private readonly documents: DocumentsService,
    private readonly trail: DocumentTrail,
    private readonly processes: ProcessGateway,
    private readonly storage: StorageService,
    private readonly access: DocumentAccessPolicy,
  ) {}

  /** DocumentEvents listener: statuses 03–06 for documents received by exchange, in the change's transaction. */
  async onDocumentEvent(m: EntityManager, doc: { id: string }, action: string): Promise<void> {
    const status = STATUS_OF_ACTION[action];
    if (!status) return;
    const r = await m.findOne(ExchangeReceivedEntity, { where: { documentId: doc.id, businessKind: 'new' } });
    if (!r) return;
    if (action === 'registered') await m.update(ExchangeReceivedEntity, { id: r.id }, { state: 'registered' });
    await this.receiver.status(m, r, status[0], status[1]);
  }

  /** The clerk's list "received from exchange" (and the requests waiting for a decision). */
  async list(user: AuthUser, state?: string) {
    if (!this.access.isClerk(user, user.agencyId)) throw forbidden('FORBIDDEN');
    const m = this.tx.manager;
    const rows = await m.find(ExchangeReceivedEntity, {
      where: { agencyId: user.agencyId, ...(state ? { state: state as never } : {}) },
      order: { receivedAt: 'DESC' },
      take: 200,
    });
    const ids = rows.map((r) => r.documentId).filter((x): x is string => !!x);
    const docs = ids.length ? await m.find(DocumentEntity, { where: { id: In(ids) } }) : [];
    return rows.map((r) => {
      const d = docs.find((x) => x.id === r.documentId);
      return {
        id: r.id,
        kind: r.businessKind,
        state: r.state,
        reason: r.reason,
        sender: { organId: r.senderOrganId, name: r.senderName },
        remoteDocumentId: r.remoteDocumentId,
        documentId: r.documentId,
        document: d
          ? { subject: d.secrecy ? null : d.subject, notation: d.notation, status: d.status, typeName: d.typeName }
          : null,
        signatures: r.signatures,
        decisionNote: r.decisionNote,
        receivedAt: r.receivedAt,
        decidedAt: r.decidedAt,
      };
    });
  }

  /** What the exchange knows of an incoming document: sender, verified signatures, pending requests. */
  async ofDocument(user: AuthUser, documentId: string) {
    const all = await this.list(user);
    return all.filter((r) => r.documentId === documentId);
  }

  private async own(m: EntityManager, user: AuthUser, id: string): Promise<ExchangeReceivedEntity> {
    const r = await m.findOne(ExchangeReceivedEntity, { where: { id } });
    // another agency's package answers as missing, never as forbidden (no probing of ids)
    if (!r || r.agencyId !== user.agencyId) throw notFound('exchange-received', id);
    if (!this.access.isClerk(user, r.agencyId)) throw forbidden('FORBIDDEN');
    return r;
  }

  private async cancel(
    m: EntityManager,
    user: AuthUser,
    documentId: string,
    status: 'returned' | 'cancelled',
    note: string,
  ) {
    const d = await m.findOne(DocumentEntity, { where: { id: documentId } });
    if (!d) return;
    await m.update(DocumentEntity, { id: d.id }, { status, updatedAt: this.clock.now() });
    await this.trail.record(m, d, { id: user.id, name: user.fullName }, `exchange-${status}`, { note });
    const instance = d.processInstanceId;
    if (instance)
      this.tx.afterCommit(() =>
        this.processes
          .engine()
          .cancel(instance, user.id)
          .catch((e) => {
            // a flow that already ended (handled, filed) has nothing left to cancel
            if ((e as { code?: string }).code !== 'WORKFLOW_INSTANCE_ENDED')
              this.logger.error(`cancel of ${instance}: ${(e as Error).message}`);
          }),
      );
  }

  /** Returns a received document to its sender before it is registered (02 with the reason). */
  async returnToSender(user: AuthUser, id: string, reason: string) {
    return this.tx.run(async (m) => {
      const r = await this.own(m, user, id);
      const d = r.documentId ? await m.findOne(DocumentEntity, { where: { id: r.documentId } }) : null;
      if (r.businessKind !== 'new' || r.state !== 'received' || d?.status !== 'received')
        throw new DomainError('EXCHANGE_WRONG_STATE', 'conflict', { state: d?.status ?? r.state });
      await this.cancel(m, user, r.documentId!, 'returned', reason);
      await this.decide(m, user, r, 'returned', reason);
      await this.receiver.status(m, r, '02', reason, user.fullName);
      return { state: 'returned' };
    });
  }

  /** Agrees (15) or refuses (16) a recall / update / replace request. */
  async decideRequest(user: AuthUser, id: string, decision: 'agree' | 'refuse', note: string) {
    const r0 = await this.own(this.tx.manager, user, id);
    // an agreed update or replacement needs its package's PDF stored before the transaction
    const pkg =
      decision === 'agree' && (r0.businessKind === 'update' || r0.businessKind === 'replace')
        ? parsePackage(await this.storage.get(r0.packageSha256), Number.MAX_SAFE_INTEGER)
        : null;
    const edoc = pkg?.kind === 'edoc' ? pkg.edoc : null;
    const pdf = edoc?.attachments.find((a) => a.contentType === 'application/pdf') ?? null;
    const stored = pdf ? await this.storage.put(pdf.data) : null;
    return this.tx.run(async (m) => {
      const r = await this.own(m, user, id);
      if (r.state !== 'pending') throw new DomainError('EXCHANGE_WRONG_STATE', 'conflict', { state: r.state });
      if (decision === 'refuse') {
        await this.decide(m, user, r, 'refused', note);
        await this.receiver.status(m, r, '16', note || 'Không đồng ý.', user.fullName);
        return { state: 'refused' };
      }
      const original = await m.findOne(ExchangeReceivedEntity, {
        where: { documentId: r.documentId!, businessKind: 'new' },
      });
      let replacementId: string | null = null;
      if (r.businessKind === 'recall') {
        await this.cancel(m, user, r.documentId!, 'cancelled', r.reason || note);
        if (original) await m.update(ExchangeReceivedEntity, { id: original.id }, { state: 'cancelled' });
      } else if (r.businessKind === 'update' && edoc && stored) {
        const h = edoc.header;
        await m.update(
          DocumentEntity,
          { id: r.documentId! },
          {
            subject: h.subject,
            signerName: h.signerName || null,
            pdfSha256: stored.sha256,
            updatedAt: this.clock.now(),
          },
        );
        await this.documents.addFile(
          m,
          r.documentId!,
          { role: 'main', name: pdf!.name, sha256: stored.sha256, mediaType: 'application/pdf', size: stored.size },
          user.id,
        );
        await this.trail.record(
          m,
          { id: r.documentId!, agencyId: r.agencyId },
          { id: user.id, name: user.fullName },
          'exchange-updated',
          {
            note: r.reason || null,
          },
        );
      } else if (r.businessKind === 'replace' && edoc && stored) {
        await this.cancel(m, user, r.documentId!, 'cancelled', r.reason || note);
        if (original) await m.update(ExchangeReceivedEntity, { id: original.id }, { state: 'cancelled' });
        const agency = await m.findOne(AgencyEntity, { where: { id: r.agencyId } });
        replacementId = await this.receiver.createIncoming(m, agency!, edoc, stored, pdf!.name);
        // the replacement reports its own registration, direction and handling (03–06) under the same DocumentId
        await m.insert(ExchangeReceivedEntity, {
          ...r,
          id: this.ids.next(),
          dedupeKey: `replacement|${r.id}`,
          businessKind: 'new',
          documentId: replacementId,
          state: 'received',
          decisionNote: null,
          decidedBy: null,
          decidedAt: null,
        } as never);
        await this.documents.startIncoming(
          m,
          (await m.findOne(DocumentEntity, { where: { id: replacementId } }))!,
          user.id,
        );
      }
      await this.decide(m, user, r, 'agreed', note);
      await this.receiver.status(m, r, '15', note || 'Đồng ý.', user.fullName);
      return { state: 'agreed', replacementId };
    });
  }

  private async decide(
    m: EntityManager,
    user: AuthUser,
    r: ExchangeReceivedEntity,
    state: ExchangeReceivedEntity['state'],
    note: string,
  ) {
    await m.update(
      ExchangeReceivedEntity,
      { id: r.id },
      { state, decisionNote: note.slice(0, 2000) || null, decidedBy: user.id, decidedAt: this.clock.now() },
    );
  }
}
