import { Injectable, OnModuleInit } from '@nestjs/common';
import { In, IsNull, Not } from 'typeorm';
import { TransactionService } from '../../database/transaction.service.js';
import { ConfidentialityService, DossierPolicy } from '../auth/index.js';
import { DossierEntity } from './dossier.entity.js';

/**
 * Tells generic views (the audit log, process-instance lists) which secret dossiers a user must not learn of:
 * their ids and their lifecycle process's, so entries about the dossier, its documents' filing, its exports
 * and transfer packages (which name it) are redacted too. ND30 PL VI: access to a secret dossier is per person.
 */
@Injectable()
export class SecretDossiersResolver implements OnModuleInit {
  constructor(
    private readonly confidentiality: ConfidentialityService,
    private readonly tx: TransactionService,
    private readonly policy: DossierPolicy,
  ) {}

  onModuleInit(): void {
    this.confidentiality.register(async (user, agencyIds) => {
      const secret = await this.tx.manager.find(DossierEntity, {
        where: { agencyId: In(agencyIds), secrecy: Not(IsNull()) },
        select: {
          id: true,
          agencyId: true,
          creatorId: true,
          responsibleUnitId: true,
          secrecy: true,
          readerIds: true,
          processInstanceId: true,
        },
        take: 50_000,
      });
      return secret
        .filter((d) => !this.policy.canSee(user, d))
        .flatMap((d) => (d.processInstanceId ? [d.id, d.processInstanceId] : [d.id]));
    });
  }
}
