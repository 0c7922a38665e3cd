import { Injectable } from '@nestjs/common';
import { In, LessThanOrEqual } from 'typeorm';
import { Clock } from '../../../common/clock.js';
import { conflict, forbidden, unprocessable } from '../../../common/domain-error.js';
import { fastFindById } from '../../../database/fast-sql.js';
import { TransactionService } from '../../../database/transaction.service.js';
import { AuditService } from '../../audit/index.js';
import { DossierPolicy, type AuthUser } from '../../auth/index.js';
import { StorageService } from '../../storage/index.js';
import { DocumentAccess } from '../document-access.js';
import { DossierEntity, DossierItemEntity } from '../dossier.entity.js';
import { toDossierSummary } from '../dossier.mapper.js';
import { DossiersService } from '../dossiers.service.js';
import { ArchiveTransferEntity } from './archive-transfer.entity.js';
import '../dossiers.messages.js';

/** Disposition of archived fixed-term dossiers whose retention has expired (Archives Law 2024; TT 06/2025). */
@Injectable()
export class DispositionService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly policy: DossierPolicy,
    private readonly dossiers: DossiersService,
    private readonly docs: DocumentAccess,
    private readonly storage: StorageService,
    private readonly clock: Clock,
  ) {}

  /** Fixed-term archived dossiers whose retention has run out (candidates for the disposition council). */
  async expired(user: AuthUser) {
    if (!this.policy.isArchivist(user, user.agencyId) && !this.policy.isHeadOfAgency(user, user.agencyId))
      throw forbidden();
    const now = this.clock.now();
    const rows = await this.tx.manager.find(DossierEntity, {
      where: {
        agencyId: user.agencyId,
        state: 'archived',
        retentionPermanent: false,
        retentionEndsAt: LessThanOrEqual(now),
      },
      order: { retentionEndsAt: 'ASC' },
    });
    return rows.map((d) => ({ ...toDossierSummary(d, now), retentionEndsAt: d.retentionEndsAt }));
  }

  /**
   * Destruction approved by the head of the agency: content destroyed, metadata record and audit trail kept.
   * Content still referenced by a dossier that is not destroyed (a document in several dossiers) is kept.
   */
  async destroy(user: AuthUser, id: string, reason: string) {
    const d = await this.dossiers.visible(user, id);
    if (!this.policy.isHeadOfAgency(user, d.agencyId)) throw forbidden('NOT_HEAD_OF_AGENCY');
    const now = this.clock.now();
    if (d.state === 'destroyed') throw conflict('DOSSIER_ALREADY_DESTROYED');
    if (d.state !== 'archived' || d.retentionPermanent || !d.retentionEndsAt || d.retentionEndsAt > now)
      throw unprocessable('DOSSIER_NOT_EXPIRED');
    const items = await this.dossiers.items(this.tx.manager, [id]);
    const docIds = items.map((i) => i.documentId);
    const shared = await this.tx.manager
      .getRepository(DossierItemEntity)
      .createQueryBuilder('i')
      .innerJoin(DossierEntity, 'd', 'd.id = i.dossierId')
      .where('i.documentId IN (:...docIds)', { docIds: docIds.length ? docIds : [''] })
      .andWhere('i.dossierId <> :id', { id })
      .andWhere("d.state <> 'destroyed'")
      .select('i.documentId', 'documentId')
      .getRawMany<{ documentId: string }>();
    const keep = new Set(shared.map((s) => s.documentId));
    const docs = await this.docs.get(docIds.filter((x) => !keep.has(x)));
    const hashes = [...new Set([...docs.values()].flatMap((doc) => doc.files.map((f) => f.sha256)))];
    await this.tx.run(async (m) => {
      // Two approvals at once: the second finds it destroyed and changes nothing (one destruction in the trail).
      const current = await fastFindById(m, DossierEntity, id, { lock: true, columns: ['id', 'state'] });
      if (current?.state !== 'archived') throw conflict('DOSSIER_ALREADY_DESTROYED');
      await m.update(DossierEntity, { id }, { state: 'destroyed', destroyedAt: now, updatedAt: now });
      // A transfer package whose dossiers are all destroyed holds nothing that must be kept: destroy it too.
      if (d.archiveTransferId) {
        // Locked: two of its dossiers destroyed at once would each see the other still kept, and neither the package.
        const t = await fastFindById(m, ArchiveTransferEntity, d.archiveTransferId, { lock: true });
        const others = t ? await m.find(DossierEntity, { where: { id: In(t.dossierIds) } }) : [];
        if (t && others.every((o) => o.id === id || o.state === 'destroyed')) hashes.push(t.packageSha256);
      }
      await this.audit.record({
        actorId: user.id,
        agencyId: d.agencyId,
        action: 'dossier.destroyed',
        entityType: 'dossier',
        entityId: id,
        data: { reason, destroyedFiles: hashes, keptSharedDocuments: [...keep] },
      });
    });
    // After the commit (a rolled-back destruction must leave the content), before the answer: the head who approved
    // it is told "destroyed" only once the content is gone.
    for (const h of hashes) await this.storage.destroy(h);
    return { id, state: 'destroyed', destroyedFiles: hashes.length };
  }
}
