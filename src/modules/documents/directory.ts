import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { AgencyEntity, RoleAssignmentEntity, UnitEntity, UserEntity } from '../organizations/index.js';

/** Read-only look-ups of agencies, units and users that documents need (names for the trail and the layout). */
@Injectable()
export class Directory {
  users(m: EntityManager, ids: string[]): Promise<UserEntity[]> {
    const unique = [...new Set(ids.filter(Boolean))];
    return unique.length ? m.find(UserEntity, { where: { id: In(unique) } }) : Promise.resolve([]);
  }

  async user(m: EntityManager, id: string | null | undefined): Promise<UserEntity | null> {
    return id ? m.findOne(UserEntity, { where: { id } }) : null;
  }

  async roles(m: EntityManager, userId: string, agencyId: string): Promise<string[]> {
    const rows = await m.find(RoleAssignmentEntity, { where: { userId, agencyId } });
    return rows.map((r) => r.role);
  }

  agency(m: EntityManager, id: string): Promise<AgencyEntity | null> {
    return m.findOne(AgencyEntity, { where: { id } });
  }

  agencies(m: EntityManager, ids: string[]): Promise<AgencyEntity[]> {
    return ids.length ? m.find(AgencyEntity, { where: { id: In(ids) } }) : Promise.resolve([]);
  }

  unit(m: EntityManager, id: string | null): Promise<UnitEntity | null> {
    return id ? m.findOne(UnitEntity, { where: { id } }) : Promise.resolve(null);
  }

  /** The head of the agency (leader role), for "KT. GIÁM ĐỐC" lines. */
  async head(m: EntityManager, agencyId: string): Promise<UserEntity | null> {
    const grant = await m.findOne(RoleAssignmentEntity, { where: { agencyId, role: 'leader' } });
    return grant ? this.user(m, grant.userId) : null;
  }

  /** Users holding a role in the agency (clerks to add as readers of secret documents, for example). */
  async withRole(m: EntityManager, agencyId: string, role: string, unitId?: string | null): Promise<string[]> {
    const rows = await m.find(RoleAssignmentEntity, { where: { agencyId, role: role as never } });
    return rows.filter((r) => unitId === undefined || r.unitId === unitId).map((r) => r.userId);
  }
}
