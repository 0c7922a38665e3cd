import { Injectable, OnModuleInit } from '@nestjs/common';
import { In, IsNull, Not } from 'typeorm';
import { TransactionService } from '../../database/transaction.service.js';
import { ConfidentialityService, DocumentAccessPolicy } from '../auth/index.js';
import { DocumentEntity } from './document.entity.js';
import { DocumentQueryService } from './document-query.service.js';

/**
 * Tells generic views (audit listing, process instances) which secret documents a user must not learn of, and
 * the tasks module which secret documents a user may read.
 */
@Injectable()
export class SecretDocumentsResolver implements OnModuleInit {
  constructor(
    private readonly confidentiality: ConfidentialityService,
    private readonly tx: TransactionService,
    private readonly query: DocumentQueryService,
    private readonly access: DocumentAccessPolicy,
  ) {}

  onModuleInit(): void {
    this.confidentiality.register(async (user, agencyIds) => {
      const secret = await this.tx.manager.find(DocumentEntity, {
        where: { agencyId: In(agencyIds), secrecy: Not(IsNull()) },
        take: 50_000,
      });
      const hidden: string[] = [];
      const facts = await this.query.factsOf(secret);
      // the document's process too: entries about its tasks (comments, attachments' names) and instance name it
      for (const d of secret)
        if (!this.access.canSee(user, facts.get(d.id)!))
          hidden.push(d.id, ...(d.processInstanceId ? [d.processInstanceId] : []));
      return hidden;
    });
    // tasks of secret documents (their business key is the document id): readable by the document's readers
    this.confidentiality.registerReadable(async (user, ids) => {
      const docs = await this.tx.manager.find(DocumentEntity, {
        where: { id: In(ids) },
        select: { id: true, agencyId: true, secrecy: true, unitId: true, drafterId: true, signerId: true },
      });
      const facts = await this.query.factsOf(docs);
      return docs.filter((d) => this.access.canSee(user, facts.get(d.id)!)).map((d) => d.id);
    });
  }
}
