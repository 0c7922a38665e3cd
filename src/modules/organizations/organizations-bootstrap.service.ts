import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/audit.service.js';
import { hashPassword } from '../auth/password-hasher.js';
import { StartupService } from '../startup/startup.service.js';
import { AgencyChangeEntity, AgencyEntity } from './agency.entity.js';
import { DEMO_AGENCIES } from './demo-organizations.js';
import { UnitEntity } from './unit.entity.js';
import { RoleAssignmentEntity, UserEntity } from './user.entity.js';

/** First administrator of a real installation (HOSO_ADMIN_*) and the demo province (SEED_DEMO). Idempotent. */
@Injectable()
export class OrganizationsBootstrapService implements OnModuleInit {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly startup: StartupService,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  onModuleInit(): void {
    this.startup.register({ name: 'demo organizations', order: 10, demoOnly: true, run: () => this.seedDemo() });
    this.startup.register({ name: 'bootstrap administrator', order: 11, run: () => this.bootstrapAdmin() });
  }

  private async bootstrapAdmin(): Promise<void> {
    const admin = this.config.admin;
    if (!admin) return;
    if (await this.tx.manager.findOne(UserEntity, { where: { username: admin.username } })) return;
    const hash = await hashPassword(admin.password);
    await this.tx.run(async (m) => {
      let root = await m.findOne(AgencyEntity, { where: { parentId: IsNull() }, order: { createdAt: 'ASC' } });
      if (!root) {
        root = m.create(AgencyEntity, {
          id: this.ids.next(),
          organId: '000.00.00.A00',
          name: 'Cơ quan quản trị hệ thống',
          abbreviation: 'QTHT',
          level: 'other',
          parentId: null,
          placeName: '',
          governingBodyName: '',
          active: true,
          mergedIntoId: null,
          createdAt: this.clock.now(),
        });
        await m.insert(AgencyEntity, root);
      }
      const id = this.ids.next();
      await m.insert(UserEntity, {
        id,
        username: admin.username,
        fullName: 'Quản trị hệ thống',
        title: 'Quản trị viên',
        email: null,
        agencyId: root.id,
        unitId: null,
        passwordHash: hash,
        active: true,
        tokenVersion: 0,
        language: 'vi',
        createdAt: this.clock.now(),
      });
      for (const role of ['admin', 'process-admin'] as const)
        await m.insert(RoleAssignmentEntity, {
          id: this.ids.next(),
          userId: id,
          role,
          agencyId: root.id,
          unitId: null,
          includeDescendants: role === 'admin',
        });
      await this.audit.record({
        agencyId: root.id,
        action: 'user.bootstrap-admin',
        entityType: 'user',
        entityId: id,
        data: { username: admin.username },
      });
    });
    this.logger.log(`created administrator ${admin.username}`);
  }

  private async seedDemo(): Promise<void> {
    if (await this.tx.manager.findOne(AgencyEntity, { where: { organId: DEMO_AGENCIES[0].organId } })) return;
    const hash = await hashPassword(this.config.demoPassword);
    const agencyIds = new Map<string, string>();
    await this.tx.run(async (m) => {
      for (const a of DEMO_AGENCIES) {
        const id = this.ids.next();
        agencyIds.set(a.key, id);
        const parentId = a.parent ? agencyIds.get(a.parent)! : null;
        await m.insert(AgencyEntity, {
          id,
          organId: a.organId,
          name: a.name,
          abbreviation: a.abbreviation,
          level: a.level,
          parentId,
          placeName: a.placeName,
          governingBodyName: a.governingBodyName ?? '',
          active: true,
          mergedIntoId: null,
          createdAt: this.clock.now(),
        });
        await m.insert(AgencyChangeEntity, {
          id: this.ids.next(),
          agencyId: id,
          kind: 'created',
          toParentId: parentId,
          at: this.clock.now(),
          byUserId: null,
        });
        const unitIds = new Map<string, string>();
        for (const u of a.units) {
          const unitId = this.ids.next();
          unitIds.set(u.abbreviation, unitId);
          await m.insert(UnitEntity, {
            id: unitId,
            agencyId: id,
            parentUnitId: null,
            name: u.name,
            abbreviation: u.abbreviation,
            active: true,
          });
        }
        for (const u of a.users) {
          const userId = this.ids.next();
          await m.insert(UserEntity, {
            id: userId,
            username: u.username,
            fullName: u.fullName,
            title: u.title,
            email: `${u.username}@demo.hoso.local`,
            agencyId: id,
            unitId: u.unit ? unitIds.get(u.unit)! : null,
            passwordHash: hash,
            active: true,
            tokenVersion: 0,
            language: 'vi',
            createdAt: this.clock.now(),
          });
          for (const r of u.roles)
            await m.insert(RoleAssignmentEntity, {
              id: this.ids.next(),
              userId,
              role: r.role,
              agencyId: id,
              unitId: r.unit ? unitIds.get(r.unit)! : null,
              includeDescendants: !!r.includeDescendants,
            });
        }
        await this.audit.record({
          agencyId: id,
          action: 'agency.demo-seeded',
          entityType: 'agency',
          entityId: id,
          data: { organId: a.organId },
        });
      }
    });
    const logins = DEMO_AGENCIES.flatMap((a) =>
      a.users.map(
        (u) =>
          `${u.username.padEnd(20)} ${u.roles
            .map((r) => r.role)
            .join(', ')
            .padEnd(24)} ${a.name}`,
      ),
    );
    this.logger.log(
      `demo province created. Logins (password "${this.config.demoPassword}"):\n  ${logins.join('\n  ')}`,
    );
  }
}
