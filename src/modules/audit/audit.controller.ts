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
    // Entries about secret records the admin may not read are left out entirely (not even their ids).
    const hidden = [...(await this.confidentiality.hiddenIds(user, agencies))];
    const visible = hidden.length
      ? rows.filter((r) => !hidden.some((id) => r.entityId === id || JSON.stringify(r.data ?? {}).includes(id)))
      : rows;
    return visible.map((r) => ({
      id: r.id,
      occurredAt: r.occurredAt,
      actorId: r.actorId,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      data: r.data,
      hash: r.hash,
    }));
  }
}
