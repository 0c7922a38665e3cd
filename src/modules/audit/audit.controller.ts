import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { PolicyService } from '../auth/policy.service.js';
import { ConfidentialityService } from '../auth/confidentiality.service.js';
import { AuditService } from './audit.service.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { In } from 'typeorm';

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionService,
    private readonly policy: PolicyService,
    private readonly confidentiality: ConfidentialityService,
  ) {}

  /** Verifies every hash chain (admins). Same check as `npm run audit:verify`. */
  @RequirePermission('audit.read')
  @Get('verify')
  verify() {
    return AuditService.verify(this.dataSource);
  }

  /** Recent audit events of the agencies the admin manages, optionally for one entity. */
  @RequirePermission('audit.read')
  @Get()
  async list(@CurrentUser() user: AuthUser, @Query('entityId') entityId?: string, @Query('limit') limit?: string) {
    const agencies = await this.policy.manageableAgencyIds(user);
    const take = Math.min(Math.max(Number(limit) || 100, 1), 500);
    const rows = await this.tx.manager.find(AuditEventEntity, {
      where: { agencyId: In(agencies), ...(entityId ? { entityId: String(entityId) } : {}) },
      order: { id: 'DESC' },
      take,
    });
    // Entries about a secret record (document, dossier, their processes, tasks and files: the entry names the
    // record or its process) are redacted for an administrator who may not read it: that something was done,
    // when and by whom, never what it was about (not even its id). Asked for by such an id: none.
    const hidden = await this.confidentiality.hiddenIds(user, agencies);
    if (entityId && hidden.has(String(entityId))) return [];
    const isHidden = (r: AuditEventEntity) => {
      if (!hidden.size) return false;
      if (r.entityId && hidden.has(r.entityId)) return true;
      const data = JSON.stringify(r.data ?? {});
      for (const id of hidden) if (data.includes(id)) return true;
      return false;
    };
    return rows.map((r) =>
      isHidden(r)
        ? {
            id: r.id,
            occurredAt: r.occurredAt,
            actorId: r.actorId,
            action: r.action,
            entityType: r.entityType,
            entityId: null,
            data: null,
            // kept: the chain stays checkable; without the entity id and data it confirms nothing guessed
            hash: r.hash,
            redacted: true,
          }
        : {
            id: r.id,
            occurredAt: r.occurredAt,
            actorId: r.actorId,
            action: r.action,
            entityType: r.entityType,
            entityId: r.entityId,
            data: r.data,
            hash: r.hash,
          },
    );
  }
}
