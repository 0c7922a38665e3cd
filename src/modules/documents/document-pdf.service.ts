import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error.js';
import { Clock } from '../../common/clock.js';
import { TransactionService } from '../../database/transaction.service.js';
import type { AuthUser } from '../auth/index.js';
import { StorageService } from '../storage/index.js';
import { DocumentRenderService } from './document-render.service.js';
import { DocumentQueryService } from './document-query.service.js';
import { DocumentTrail } from './document-trail.service.js';
import { SigningGateway } from './signing-gateway.js';

/** The current PDF (signed once signed; a preview rendered from the composed text before), and its signatures. */
@Injectable()
export class DocumentPdfService {
  constructor(
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly query: DocumentQueryService,
    private readonly storage: StorageService,
    private readonly render: DocumentRenderService,
    private readonly trail: DocumentTrail,
    private readonly signing: SigningGateway,
  ) {}

  async pdf(user: AuthUser, id: string): Promise<{ content: Buffer; fileName: string }> {
    const d = await this.query.load(user, id);
    let content: Buffer;
    if (d.pdfSha256) content = await this.storage.get(d.pdfSha256);
    else if (d.body !== null) content = (await this.render.render(this.tx.manager, d, this.clock.now())).pdf;
    else throw new DomainError('DOCUMENT_NO_PDF', 'not-found');
    // Decree 30/2020, appendix VI III.5.a: the history of access and viewing is kept.
    await this.tx.run((m) => this.trail.record(m, d, { id: user.id, name: user.fullName }, 'viewed', { audit: false }));
    const fileName = `${(d.notation ?? d.typeCode).replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`;
    return { content, fileName };
  }

  async signatures(user: AuthUser, id: string) {
    const d = await this.query.load(user, id);
    if (!d.pdfSha256) return [];
    const results = await this.signing.get().verifyPdf(await this.storage.get(d.pdfSha256));
    return results.map((s) => ({
      signer: s.signer,
      signedAt: s.signedAt,
      certificateSubject: s.certificateSubject,
      valid: s.valid,
      coversWholeDocument: s.coversWholeDocument,
      kind: s.kind,
      reason: s.reason,
      // Per signature, as POST /api/signatures/verify reports it (issue 24).
      intact: s.integrity && s.signatureValid,
      trusted: s.trusted,
      timestamp: s.timestamp?.time ?? null,
      revocation: s.revocation,
      changesAfterSigning: s.changesAfterSigning,
      changesAllowed: s.changesAllowed,
      pades: s.pades,
      problems: s.problems,
    }));
  }
}
