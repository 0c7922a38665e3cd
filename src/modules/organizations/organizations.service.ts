import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Clock, IdGenerator } from '../../common/clock.js';
import { badRequest, conflict, notFound } from '../../common/domain-error.js';
import { registerMessages } from '../../common/messages.js';
import { compareVietnamese, foldVietnamese } from '../../common/vietnamese.js';
import { TransactionService } from '../../database/transaction.service.js';
import { isUniqueViolation } from '../../database/db-errors.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { AuthService } from '../auth/auth.service.js';
import { hashPassword } from '../auth/password-hasher.js';
import { PolicyService } from '../auth/policy.service.js';
import { AgencyChangeEntity, AgencyEntity } from './agency.entity.js';
import type {
  CreateAgencyDto,
  CreateUnitDto,
  CreateUserDto,
  ListUsersQuery,
  RoleGrantDto,
  UpdateAgencyDto,
  UpdateUserDto,
} from './dto/organizations.dto.js';
import { UnitEntity } from './unit.entity.js';
import { assertMayGrant } from './role-grants.js';
import { RoleAssignmentEntity, UserEntity } from './user.entity.js';

registerMessages({
  ORGAN_ID_TAKEN: { vi: 'Mã định danh {organId} đã được dùng.', en: 'Identifier code {organId} is already used.' },
  USERNAME_TAKEN: { vi: 'Tên đăng nhập {username} đã tồn tại.', en: 'Username {username} already exists.' },
  UNIT_ABBR_TAKEN: {
    vi: 'Đơn vị viết tắt {abbreviation} đã có trong cơ quan.',
    en: 'Unit abbreviation {abbreviation} already exists in this agency.',
  },
  AGENCY_CYCLE: {
    vi: 'Không thể chuyển cơ quan vào chính cơ quan cấp dưới của nó.',
    en: 'An agency cannot be moved under its own descendant.',
  },
  UNIT_NOT_IN_AGENCY: {
    vi: 'Đơn vị không thuộc cơ quan đã chọn.',
    en: 'The unit does not belong to the chosen agency.',
  },
});

export interface AgencyView {
  id: string;
  organId: string;
  name: string;
  abbreviation: string;
  level: string;
  parentId: string | null;
  active: boolean;
  mergedIntoId: string | null;
  placeName: string;
  children?: AgencyView[];
}

export const toAgencyView = (a: AgencyEntity): AgencyView => ({
  id: a.id,
  organId: a.organId,
  name: a.name,
  abbreviation: a.abbreviation,
  level: a.level,
  parentId: a.parentId,
  active: a.active,
  mergedIntoId: a.mergedIntoId,
  placeName: a.placeName,
});

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** The whole agency directory as a tree: every agency needs it to address documents to another. */
  async agencyTree(includeInactive = false): Promise<AgencyView[]> {
    const rows = await this.tx.manager.find(AgencyEntity, includeInactive ? {} : { where: { active: true } });
    const views = new Map(rows.map((r) => [r.id, { ...toAgencyView(r), children: [] as AgencyView[] }]));
    const roots: AgencyView[] = [];
    for (const v of views.values()) {
      const parent = v.parentId ? views.get(v.parentId) : undefined;
      (parent ? parent.children! : roots).push(v);
    }
    const sort = (list: AgencyView[]) => {
      list.sort((a, b) => compareVietnamese(a.name, b.name));
      list.forEach((x) => sort(x.children!));
    };
    sort(roots);
    return roots;
  }

  async getAgency(id: string): Promise<AgencyEntity> {
    const a = await this.tx.manager.findOne(AgencyEntity, { where: { id } });
    if (!a) throw notFound('agency', id);
    return a;
  }

  async agencyHistory(user: AuthUser, id: string) {
    await this.policy.assertCanSeeAgency(user, id);
    return this.tx.manager.find(AgencyChangeEntity, { where: { agencyId: id }, order: { at: 'ASC' } });
  }

  async createAgency(user: AuthUser, dto: CreateAgencyDto): Promise<AgencyEntity> {
    if (dto.parentId) await this.policy.assertCanManageAgency(user, dto.parentId);
    else if (!user.roles.some((g) => g.role === 'admin' && g.includeDescendants))
      throw badRequest('VALIDATION_FAILED', { fields: 'parentId' });
    const agency = await this.tx.run(async (m) => {
      const a = m.create(AgencyEntity, {
        id: this.ids.next(),
        organId: dto.organId,
        name: dto.name.normalize('NFC'),
        abbreviation: dto.abbreviation,
        level: dto.level,
        parentId: dto.parentId ?? null,
        placeName: dto.placeName ?? '',
        governingBodyName: dto.governingBodyName ?? '',
        active: true,
        mergedIntoId: null,
        createdAt: this.clock.now(),
      });
      try {
        await m.insert(AgencyEntity, a);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('ORGAN_ID_TAKEN', { organId: dto.organId });
        throw e;
      }
      await m.insert(AgencyChangeEntity, {
        id: this.ids.next(),
        agencyId: a.id,
        kind: 'created',
        toParentId: a.parentId,
        at: this.clock.now(),
        byUserId: user.id,
      });
      await this.audit.record({
        actorId: user.id,
        agencyId: a.id,
        action: 'agency.created',
        entityType: 'agency',
        entityId: a.id,
        data: { organId: a.organId, name: a.name },
      });
      return a;
    });
    this.policy.invalidateTree();
    return agency;
  }

  async updateAgency(user: AuthUser, id: string, dto: UpdateAgencyDto): Promise<AgencyEntity> {
    await this.policy.assertCanManageAgency(user, id);
    return this.tx.run(async (m) => {
      const a = await m.findOneOrFail(AgencyEntity, { where: { id } });
      if (dto.name && dto.name !== a.name)
        await m.insert(AgencyChangeEntity, {
          id: this.ids.next(),
          agencyId: id,
          kind: 'renamed',
          previousName: a.name,
          at: this.clock.now(),
          byUserId: user.id,
        });
      Object.assign(a, Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)));
      await m.save(a);
      await this.audit.record({
        actorId: user.id,
        agencyId: id,
        action: 'agency.updated',
        entityType: 'agency',
        entityId: id,
        data: { ...dto },
      });
      return a;
    });
  }

  /** Reorganisation: the agency keeps its id, so its documents, registers and dossiers follow it. */
  async moveAgency(user: AuthUser, id: string, parentId: string): Promise<AgencyEntity> {
    await this.policy.assertCanManageAgency(user, id);
    await this.policy.assertCanManageAgency(user, parentId);
    if ((await this.policy.subtree(id)).includes(parentId)) throw badRequest('AGENCY_CYCLE');
    const a = await this.tx.run(async (m) => {
      const a = await m.findOneOrFail(AgencyEntity, { where: { id } });
      await m.insert(AgencyChangeEntity, {
        id: this.ids.next(),
        agencyId: id,
        kind: 'moved',
        fromParentId: a.parentId,
        toParentId: parentId,
        at: this.clock.now(),
        byUserId: user.id,
      });
      const from = a.parentId;
      a.parentId = parentId;
      await m.save(a);
      await this.audit.record({
        actorId: user.id,
        agencyId: id,
        action: 'agency.moved',
        entityType: 'agency',
        entityId: id,
        data: { from, to: parentId },
      });
      return a;
    });
    this.policy.invalidateTree();
    return a;
  }

  /** Merge: the old agency is deactivated and points at its successor; its users move to the successor. */
  async mergeAgency(user: AuthUser, id: string, intoId: string): Promise<AgencyEntity> {
    if (id === intoId) throw badRequest('AGENCY_CYCLE');
    await this.policy.assertCanManageAgency(user, id);
    await this.policy.assertCanManageAgency(user, intoId);
    const a = await this.tx.run(async (m) => {
      const a = await m.findOneOrFail(AgencyEntity, { where: { id } });
      a.active = false;
      a.mergedIntoId = intoId;
      await m.save(a);
      await m.update(AgencyEntity, { parentId: id }, { parentId: intoId });
      await m.insert(AgencyChangeEntity, {
        id: this.ids.next(),
        agencyId: id,
        kind: 'merged',
        mergedIntoId: intoId,
        at: this.clock.now(),
        byUserId: user.id,
      });
      await this.audit.record({
        actorId: user.id,
        agencyId: id,
        action: 'agency.merged',
        entityType: 'agency',
        entityId: id,
        data: { intoId },
      });
      return a;
    });
    this.policy.invalidateTree();
    return a;
  }

  async listUnits(user: AuthUser, agencyId: string): Promise<UnitEntity[]> {
    await this.policy.assertCanSeeAgency(user, agencyId);
    const units = await this.tx.manager.find(UnitEntity, { where: { agencyId } });
    return units.sort((a, b) => compareVietnamese(a.name, b.name));
  }

  async createUnit(user: AuthUser, agencyId: string, dto: CreateUnitDto): Promise<UnitEntity> {
    await this.policy.assertCanManageAgency(user, agencyId);
    return this.tx.run(async (m) => {
      // a unit's parent is a unit of the same agency (an id from elsewhere is "not found")
      if (dto.parentUnitId && !(await m.exists(UnitEntity, { where: { id: dto.parentUnitId, agencyId } })))
        throw notFound('unit', dto.parentUnitId);
      const u = m.create(UnitEntity, {
        id: this.ids.next(),
        agencyId,
        name: dto.name.normalize('NFC'),
        abbreviation: dto.abbreviation,
        parentUnitId: dto.parentUnitId ?? null,
        active: true,
      });
      try {
        await m.insert(UnitEntity, u);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('UNIT_ABBR_TAKEN', { abbreviation: dto.abbreviation });
        throw e;
      }
      await this.audit.record({
        actorId: user.id,
        agencyId,
        action: 'unit.created',
        entityType: 'unit',
        entityId: u.id,
        data: { name: u.name, abbreviation: u.abbreviation },
      });
      return u;
    });
  }

  async listUsers(user: AuthUser, q: ListUsersQuery) {
    const visible = await this.policy.visibleAgencyIds(user);
    if (q.agencyId && !visible.includes(q.agencyId)) throw notFound('agency', q.agencyId);
    const qb = this.tx.manager
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('u.agency_id IN (:...agencies)', { agencies: q.agencyId ? [q.agencyId] : visible });
    if (q.unitId) qb.andWhere('u.unit_id = :unitId', { unitId: q.unitId });
    if (q.role)
      qb.andWhere('EXISTS (SELECT 1 FROM role_assignment r WHERE r.user_id = u.id AND r.role = :role)', {
        role: q.role,
      });
    const users = await qb.orderBy('u.full_name', 'ASC').take(2000).getMany();
    const grants = users.length
      ? await this.tx.manager.find(RoleAssignmentEntity, { where: { userId: In(users.map((u) => u.id)) } })
      : [];
    const folded = q.q ? foldVietnamese(q.q) : undefined;
    return users
      .filter((u) => !folded || foldVietnamese(`${u.fullName} ${u.username}`).includes(folded))
      .sort((a, b) => compareVietnamese(a.fullName, b.fullName))
      .map((u) =>
        this.toUserView(
          u,
          grants.filter((g) => g.userId === u.id),
        ),
      );
  }

  async getUser(user: AuthUser, id: string) {
    const u = await this.tx.manager.findOne(UserEntity, { where: { id } });
    if (!u || !(await this.policy.visibleAgencyIds(user)).includes(u.agencyId)) throw notFound('user', id);
    const grants = await this.tx.manager.find(RoleAssignmentEntity, { where: { userId: id } });
    return this.toUserView(u, grants);
  }

  async createUser(actor: AuthUser, dto: CreateUserDto) {
    await this.policy.assertCanManageAgency(actor, dto.agencyId);
    const passwordHash = await hashPassword(dto.password);
    const created = await this.tx.run(async (m) => {
      if (dto.unitId) await this.assertUnitInAgency(dto.unitId, dto.agencyId);
      const u = m.create(UserEntity, {
        id: this.ids.next(),
        username: dto.username,
        fullName: dto.fullName.normalize('NFC'),
        title: dto.title ?? '',
        email: dto.email ?? null,
        agencyId: dto.agencyId,
        unitId: dto.unitId ?? null,
        passwordHash,
        active: true,
        tokenVersion: 0,
        language: 'vi',
        createdAt: this.clock.now(),
      });
      try {
        await m.insert(UserEntity, u);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('USERNAME_TAKEN', { username: dto.username });
        throw e;
      }
      await this.replaceRoles(m, u, dto.roles, actor);
      await this.audit.record({
        actorId: actor.id,
        agencyId: dto.agencyId,
        action: 'user.created',
        entityType: 'user',
        entityId: u.id,
        data: { username: u.username, roles: dto.roles },
      });
      return u;
    });
    return this.getUser(actor, created.id);
  }

  async updateUser(actor: AuthUser, id: string, dto: UpdateUserDto) {
    const existing = await this.tx.manager.findOne(UserEntity, { where: { id } });
    if (!existing) throw notFound('user', id);
    await this.policy.assertCanManageAgency(actor, existing.agencyId, 'user');
    await this.tx.run(async (m) => {
      if (dto.unitId) await this.assertUnitInAgency(dto.unitId, existing.agencyId);
      const { roles, ...fields } = dto;
      Object.assign(existing, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
      if (dto.active === false) existing.tokenVersion += 1;
      await m.save(existing);
      if (roles) await this.replaceRoles(m, existing, roles, actor);
      await this.audit.record({
        actorId: actor.id,
        agencyId: existing.agencyId,
        action: 'user.updated',
        entityType: 'user',
        entityId: id,
        data: { ...dto },
      });
    });
    this.auth.invalidate(id);
    return this.getUser(actor, id);
  }

  /** An administrator sets a new password: the user's sessions end; the password is in no audit entry. */
  async resetPassword(actor: AuthUser, id: string, newPassword: string): Promise<void> {
    const existing = await this.tx.manager.findOne(UserEntity, { where: { id } });
    if (!existing || !(await this.policy.visibleAgencyIds(actor)).includes(existing.agencyId))
      throw notFound('user', id);
    await this.policy.assertCanManageAgency(actor, existing.agencyId, 'user');
    const passwordHash = await hashPassword(newPassword);
    await this.tx.run(async (m) => {
      await m.update(UserEntity, { id }, { passwordHash, tokenVersion: existing.tokenVersion + 1 });
      await this.audit.record({
        actorId: actor.id,
        agencyId: existing.agencyId,
        action: 'user.password-reset',
        entityType: 'user',
        entityId: id,
        data: null,
      });
    });
    this.auth.invalidate(id);
  }

  private async assertUnitInAgency(unitId: string, agencyId: string): Promise<void> {
    const unit = await this.tx.manager.findOne(UnitEntity, { where: { id: unitId } });
    if (!unit || unit.agencyId !== agencyId) throw badRequest('UNIT_NOT_IN_AGENCY');
  }

  private async replaceRoles(
    m: import('typeorm').EntityManager,
    u: UserEntity,
    roles: RoleGrantDto[],
    actor: AuthUser,
  ): Promise<void> {
    const existing = await m.find(RoleAssignmentEntity, { where: { userId: u.id } });
    await assertMayGrant(this.policy, actor, u, roles, existing);
    await m.delete(RoleAssignmentEntity, { userId: u.id });
    for (const r of roles) {
      if (r.unitId) await this.assertUnitInAgency(r.unitId, u.agencyId);
      // Only an installation admin can hand out tree-wide admin rights.
      const includeDescendants =
        !!r.includeDescendants && actor.roles.some((g) => g.role === 'admin' && g.includeDescendants);
      await m.insert(RoleAssignmentEntity, {
        id: this.ids.next(),
        userId: u.id,
        role: r.role,
        agencyId: u.agencyId,
        unitId: r.unitId ?? null,
        includeDescendants,
      });
    }
  }

  private toUserView(u: UserEntity, grants: RoleAssignmentEntity[]) {
    return {
      id: u.id,
      username: u.username,
      fullName: u.fullName,
      title: u.title,
      email: u.email,
      agencyId: u.agencyId,
      unitId: u.unitId,
      active: u.active,
      roles: [...new Set(grants.map((g) => g.role))],
      grants: grants.map((g) => ({ role: g.role, unitId: g.unitId, includeDescendants: g.includeDescendants })),
    };
  }
}
