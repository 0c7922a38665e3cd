import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { TransactionService } from '../../database/transaction.service.js';
import { DocumentAccessPolicy, type AuthUser } from '../auth/index.js';
import { DossierDocumentSource, type FilingDocument, type FilingDocumentAccess } from '../dossiers/index.js';
import { DocumentEventEntity, DocumentFileEntity } from './document-records.entity.js';
import { DocumentQueryService } from './document-query.service.js';
import { Directory } from './directory.js';
import { DocumentEntity } from './document.entity.js';

const SECRECY_RANK: Record<string, number> = { confidential: 1, secret: 2, 'top-secret': 3 };

/** What the dossiers module reads to file documents (appendix VI §2.3/§2.4 metadata, files, trail). */
@Injectable()
export class DocumentsForDossiers extends DossierDocumentSource {
  constructor(
    private readonly tx: TransactionService,
    private readonly policy: DocumentAccessPolicy,
    private readonly query: DocumentQueryService,
    private readonly directory: Directory,
  ) {
    super();
  }

  /** Two statements whatever the number of documents (a dossier view asks for all of its documents). */
  async accessOf(user: AuthUser, ids: string[]): Promise<Map<string, FilingDocumentAccess>> {
    const out = new Map<string, FilingDocumentAccess>();
    if (!ids.length) return out;
    const m = this.tx.manager;
    const docs = await m.find(DocumentEntity, {
      select: {
        id: true,
        agencyId: true,
        secrecy: true,
        unitId: true,
        drafterId: true,
        signerId: true,
        pageCount: true,
        direction: true,
        status: true,
        typeName: true,
        number: true,
        notation: true,
        documentDate: true,
        subject: true,
      },
      where: { id: In([...new Set(ids)]) },
    });
    const facts = await this.query.factsOf(docs, m);
    for (const d of docs) {
      const f = facts.get(d.id)!;
      out.set(d.id, {
        summary: {
          direction: d.direction,
          status: d.status,
          typeName: d.typeName,
          number: d.number,
          notation: d.notation,
          documentDate: d.documentDate,
          subject: d.subject,
        },
        agencyId: d.agencyId,
        secrecy: d.secrecy,
        pageCount: d.pageCount ?? 0,
        see: this.policy.canSee(user, f),
        share: this.policy.canShare(user, f),
      });
    }
    return out;
  }

  async getDocuments(ids: string[]): Promise<FilingDocument[]> {
    if (!ids.length) return [];
    const m = this.tx.manager;
    const docs = await m.find(DocumentEntity, { where: { id: In(ids) } });
    if (!docs.length) return [];
    const found = docs.map((d) => d.id);
    const files = await m.find(DocumentFileEntity, { where: { documentId: In(found) }, order: { createdAt: 'ASC' } });
    const events = await m.find(DocumentEventEntity, { where: { documentId: In(found) }, order: { at: 'ASC' } });
    // Names for To (outgoing recipients) and ToPlaces (incoming: the handlers), one read each for all documents.
    const agencies = await this.directory.agencies(m, [...new Set(docs.flatMap((d) => d.recipientAgencyIds ?? []))]);
    const people = await this.directory.users(
      m,
      docs.flatMap((d) => [d.mainHandlerId ?? '', ...(d.coHandlerIds ?? [])]),
    );
    const name = (id: string) => people.find((u) => u.id === id)?.fullName ?? '';
    return docs.map((d) => ({
      id: d.id,
      agencyId: d.agencyId,
      direction: d.direction,
      status: d.status,
      final: d.direction === 'incoming' ? d.arrivalNumber !== null : ['issued', 'filed'].includes(d.status),
      signed: d.signed || d.direction === 'incoming',
      secrecy: d.secrecy,
      typeCode: d.typeCode,
      typeName: d.typeName,
      number: d.number,
      notation: d.notation,
      documentDate: d.documentDate,
      organName: d.organName,
      subject: d.subject,
      language: d.language,
      pageCount: d.pageCount,
      signerName: d.signerName,
      signerTitle: d.signerTitle,
      description: d.description,
      urgencyRank: d.urgencyRank,
      secrecyRank: d.secrecy ? SECRECY_RANK[d.secrecy] : 0,
      issuedAmount: d.issuedAmount,
      recipients: [
        ...(d.recipientAgencyIds ?? []).map((id) => {
          const a = agencies.find((x) => x.id === id);
          return { organId: a?.organId ?? null, organName: a?.name ?? id };
        }),
        ...(d.externalRecipients ?? []).map((organName) => ({ organId: null, organName })),
      ],
      dueDate: d.dueAt,
      arrivalDate: d.arrivalDate,
      arrivalNumber: d.arrivalNumber,
      toPlaces: [d.mainHandlerId, ...(d.coHandlerIds ?? [])]
        .filter((x): x is string => !!x)
        .map(name)
        .filter(Boolean)
        .join('; '),
      files: files
        .filter((f) => f.documentId === d.id)
        .map((f) => ({ name: f.name, sha256: f.sha256, mediaType: f.mediaType, size: f.size, role: f.role })),
      history: events
        .filter((e) => e.documentId === d.id && e.action !== 'status')
        .map((e) => ({ at: e.at, actorName: e.actorName, action: e.action, note: e.note })),
    }));
  }
}
