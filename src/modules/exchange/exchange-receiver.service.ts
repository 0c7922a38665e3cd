import { Inject, Injectable, Logger } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { DomainError, badRequest, forbidden, unprocessable } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { DocumentEntity, DocumentsService, DocumentTrail, findDocumentType, SYSTEM_ACTOR } from '../documents/index.js';
import { AgencyEntity } from '../organizations/index.js';
import { SigningService } from '../signing/index.js';
import { StorageService } from '../storage/index.js';
import { EdxmlRefused, parsePackage, sha256hex, type Edoc, type StatusCode, type StatusPackage } from './edxml.js';
import { ExchangeOutbox } from './exchange-outbox.service.js';
import {
  ExchangePeerEntity,
  ExchangeReceivedEntity,
  ExchangeStatusEntity,
  ExchangeOutboxEntity,
} from './exchange.entity.js';
import { verifyDetached } from './installation-key.js';

export type Arrival = { via: 'direct'; signature: string } | { via: 'vxp' };

const URGENCY = ['', 'urgent', 'top-urgent', 'flash'];

/**
 * Receiving side (Decree 30/2020, art. 21.2: check authenticity and integrity, return what is faulty, tell the
 * sender it arrived): a package is authenticated against the directory, parsed strictly, its PDF's signatures
 * verified; only then is anything stored — an incoming document in state `received` whose flow starts with the
 * clerk's registration, and status 01 queued back to the sender, all in one transaction.
 */
@Injectable()
export class ExchangeReceiver {
  private readonly logger = new Logger('ExchangeReceiver');

  constructor(
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly storage: StorageService,
    private readonly signing: SigningService,
    private readonly documents: DocumentsService,
    private readonly trail: DocumentTrail,
    private readonly outbox: ExchangeOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get maxBytes(): number {
    return this.config.exchange.maxBytes;
  }

  async accept(bytes: Buffer, arrival: Arrival): Promise<{ accepted: string[]; duplicate: boolean }> {
    if (bytes.length > this.config.exchange.maxBytes)
      throw new DomainError('PAYLOAD_TOO_LARGE', 'too-large', {
        limit: `${Math.round(this.config.exchange.maxBytes / 1048576)} MB`,
      });
    let pkg;
    try {
      pkg = parsePackage(bytes, this.config.exchange.maxBytes);
    } catch (e) {
      if (e instanceof EdxmlRefused)
        throw badRequest('EXCHANGE_PACKAGE_INVALID', { reason: e.reason, detail: e.message.slice(0, 300) });
      throw e;
    }
    const sender = pkg.kind === 'edoc' ? pkg.edoc.header.from.organId : pkg.status.from.organId;
    const peer = await this.tx.manager.findOne(ExchangePeerEntity, { where: { organId: sender, active: true } });
    if (!peer || peer.adapter !== arrival.via) throw forbidden('EXCHANGE_SENDER_UNKNOWN', { organId: sender });
    if (arrival.via === 'direct' && !(peer.publicKey && verifyDetached(peer.publicKey, bytes, arrival.signature)))
      throw forbidden('EXCHANGE_SIGNATURE_INVALID', { organId: sender });
    // hoso peers always write the manifest digest: one missing from a `direct` package is a tampered manifest
    if (arrival.via === 'direct' && pkg.kind === 'edoc' && pkg.edoc.attachments.some((a) => !a.digestChecked))
      throw badRequest('EXCHANGE_PACKAGE_INVALID', {
        reason: 'digest',
        detail: 'an attachment has no manifest digest',
      });
    const sha = sha256hex(bytes);
    return pkg.kind === 'status' ? this.acceptStatus(pkg.status, sha) : this.acceptEdoc(pkg.edoc, bytes, sha);
  }

  /** Sender side: a recipient's status for one of our documents (stored once per package). */
  private async acceptStatus(s: StatusPackage, sha: string) {
    return this.tx.run(async (m) => {
      const sent = await m.findOne(ExchangeOutboxEntity, {
        where: { kind: 'edoc', remoteDocumentId: s.responseFor.documentId, targetOrganId: s.from.organId },
      });
      if (!sent)
        throw new DomainError('EXCHANGE_ORIGINAL_UNKNOWN', 'not-found', { documentId: s.responseFor.documentId });
      if (await m.findOne(ExchangeStatusEntity, { where: { packageSha256: sha } }))
        return { accepted: [sent.documentId], duplicate: true };
      await m.insert(ExchangeStatusEntity, {
        id: this.ids.next(),
        packageSha256: sha,
        documentId: sent.documentId,
        organId: s.from.organId,
        statusCode: s.statusCode,
        description: s.description,
        staff: s.staff as Record<string, string>,
        timestamp: s.timestamp.slice(0, 40),
        receivedAt: this.clock.now(),
      } as never);
      await this.trail.record(m, { id: sent.documentId, agencyId: sent.agencyId }, SYSTEM_ACTOR, 'exchange-status', {
        note: s.description || null,
        data: { organId: s.from.organId, statusCode: s.statusCode },
        audit: false,
      });
      return { accepted: [sent.documentId], duplicate: false };
    });
  }

  /** Local recipients of a package: agencies of this installation that the directory does not place elsewhere. */
  private async recipients(m: EntityManager, e: Edoc): Promise<AgencyEntity[]> {
    const organIds = e.header.to.map((t) => t.organId);
    const local = await m.find(AgencyEntity, { where: { organId: In(organIds), active: true } });
    const elsewhere = local.length
      ? await m.find(ExchangePeerEntity, { where: { organId: In(local.map((a) => a.organId)), active: true } })
      : [];
    return local.filter((a) => !elsewhere.some((p) => p.organId === a.organId));
  }

  /** The received PDF's PAdES signatures, verified; a package with none valid is refused (art. 21.2). */
  private async verifiedPdf(e: Edoc) {
    const pdf = e.attachments.find((a) => a.contentType === 'application/pdf' || /\.pdf$/i.test(a.name));
    if (!pdf) throw unprocessable('EXCHANGE_PDF_REQUIRED');
    let sigs;
    try {
      sigs = await this.signing.verifyPdf(pdf.data);
    } catch {
      throw unprocessable('EXCHANGE_PDF_SIGNATURE_INVALID', { detail: 'not a PDF' });
    }
    if (!sigs.length) throw unprocessable('EXCHANGE_PDF_SIGNATURE_INVALID', { detail: 'no signature' });
    // Integrity and the CMS signature are required; a certificate of another installation's CA that this one does
    // not trust (DATA_DIR/ca/trust) is shown to the clerk, not refused: the chain is the clerk's call (art. 21.2).
    const bad = sigs.find((s) => !s.integrity || !s.signatureValid || s.modifiedAfterSigning || s.revoked);
    if (bad)
      throw unprocessable('EXCHANGE_PDF_SIGNATURE_INVALID', {
        detail: `${bad.signer || `#${bad.index + 1}`}: ${bad.problems.join('; ') || 'invalid'}`,
      });
    return { pdf, sigs };
  }

  private async acceptEdoc(e: Edoc, bytes: Buffer, sha: string) {
    const m0 = this.tx.manager;
    const to = await this.recipients(m0, e);
    if (!to.length) throw new DomainError('EXCHANGE_RECIPIENT_UNKNOWN', 'not-found');
    const from = e.header.from;
    const key = (a: AgencyEntity) =>
      e.business.kind === 'new'
        ? `new|${a.organId}|${from.organId}|${e.header.documentId}`
        : `${e.business.kind}|${a.organId}|${from.organId}|${sha}`;
    const fresh: AgencyEntity[] = [];
    for (const a of to)
      if (!(await m0.findOne(ExchangeReceivedEntity, { where: { dedupeKey: key(a) } }))) fresh.push(a);
    if (!fresh.length) return { accepted: [], duplicate: true };
    const needsPdf = e.business.kind !== 'recall';
    const verified = needsPdf ? await this.verifiedPdf(e) : null;
    await this.storage.put(bytes); // the package as received, kept for an update/replace decided later
    const stored = verified ? await this.storage.put(verified.pdf.data) : null;
    return this.tx.run(async (m) => {
      const accepted: string[] = [];
      for (const a of fresh) {
        if (await m.findOne(ExchangeReceivedEntity, { where: { dedupeKey: key(a) } })) continue; // raced
        const row: ExchangeReceivedEntity = {
          id: this.ids.next(),
          dedupeKey: key(a),
          agencyId: a.id,
          recipientOrganId: a.organId,
          senderOrganId: from.organId,
          senderName: (from.organName || from.organId).slice(0, 200),
          remoteDocumentId: e.header.documentId,
          businessKind: e.business.kind,
          reason: e.business.reason,
          packageSha256: sha,
          documentId: null,
          state: 'received',
          signatures: verified?.sigs ?? null,
          decisionNote: null,
          decidedBy: null,
          decidedAt: null,
          receivedAt: this.clock.now(),
        };
        if (e.business.kind === 'new') {
          row.documentId = await this.createIncoming(m, a, e, stored!, verified!.pdf.name);
          await m.insert(ExchangeReceivedEntity, row as never);
          await this.status(m, row, '01', 'Đã đến hệ thống nhận.');
          await this.documents.startIncoming(
            m,
            (await m.findOne(DocumentEntity, { where: { id: row.documentId } }))!,
            null,
          );
        } else {
          const original = await m.findOne(ExchangeReceivedEntity, {
            where: { dedupeKey: `new|${a.organId}|${from.organId}|${e.header.documentId}` },
          });
          if (!original?.documentId)
            throw new DomainError('EXCHANGE_ORIGINAL_UNKNOWN', 'not-found', { documentId: e.header.documentId });
          row.documentId = original.documentId;
          row.state = 'pending';
          await m.insert(ExchangeReceivedEntity, row as never);
          await this.trail.record(
            m,
            { id: original.documentId, agencyId: a.id },
            SYSTEM_ACTOR,
            `exchange-${e.business.kind}-requested`,
            {
              note: e.business.reason || null,
              data: { requestId: row.id, senderOrganId: from.organId },
            },
          );
        }
        accepted.push(row.documentId!);
      }
      return { accepted, duplicate: false };
    });
  }

  /** An incoming document with the package's metadata (Decree 30/2020, appendix VI) and the signed PDF. */
  async createIncoming(
    m: EntityManager,
    a: AgencyEntity,
    e: Edoc,
    stored: { sha256: string; size: number },
    fileName: string,
  ): Promise<string> {
    const h = e.header;
    const type = findDocumentType(h.typeCode) ?? findDocumentType('CV')!;
    const id = this.ids.next();
    const dateOf = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T05:00:00Z`) : null);
    const notation = [h.codeNumber, h.codeNotation].filter(Boolean).join('/');
    const doc = await this.documents.insertIncoming(m, {
      id,
      agencyId: a.id,
      typeCode: type.code,
      typeName: h.typeName || type.name,
      subject: h.subject,
      organName: h.from.organName || h.from.organId,
      notation: notation.slice(0, 42) || null,
      documentDate: dateOf(h.promulgationDate),
      signerName: h.signerName || null,
      signerTitle: h.signerPosition || null,
      urgency: (URGENCY[h.priority] || null) as DocumentEntity['urgency'],
      pageCount: h.pageAmount,
      description: h.content.slice(0, 1000),
      dueAt: dateOf(h.dueDate),
      pdfSha256: stored.sha256,
      createdBy: null,
    });
    await this.documents.addFile(
      m,
      id,
      { role: 'main', name: fileName, sha256: stored.sha256, mediaType: 'application/pdf', size: stored.size },
      null,
    );
    await this.trail.record(m, doc, SYSTEM_ACTOR, 'received', {
      data: { direction: 'incoming', exchange: true, senderOrganId: h.from.organId, documentId: h.documentId },
    });
    return id;
  }

  /** Queues a status back to the sender of a received package (in the caller's transaction). */
  async status(m: EntityManager, r: ExchangeReceivedEntity, code: StatusCode, description: string, staff?: string) {
    await this.outbox.enqueue(m, {
      dedupeKey: `status:${r.id}:${code}`,
      agencyId: r.agencyId,
      documentId: r.documentId ?? r.id,
      kind: 'status',
      fromOrganId: r.recipientOrganId,
      targetOrganId: r.senderOrganId,
      businessKind: r.businessKind,
      reason: description.slice(0, 2000),
      statusCode: code,
      remoteDocumentId: r.remoteDocumentId,
      staff: staff ? { staff } : null,
    });
  }
}
