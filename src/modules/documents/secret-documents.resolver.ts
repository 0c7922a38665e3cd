import { Injectable, OnModuleInit } from '@nestjs/common';
import { In, IsNull, Not } from 'typeorm';
import { TransactionService } from '../../database/transaction.service.js';
import { ConfidentialityService, DocumentAccessPolicy } from '../auth/index.js';
import { DocumentEntity } from './document.entity.js';
import { DocumentQueryService } from './document-query.service.js';

/** Tells generic views (audit listing, process instances) which secret documents a user must not learn of. */
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
      for (const d of secret) if (!this.access.canSee(user, await this.query.facts(d))) hidden.push(d.id);
      return hidden;
    });
  }
}
