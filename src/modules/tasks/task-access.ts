import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { fastFindById } from '../../database/fast-sql.js';
import { notFound } from '../../common/domain-error.js';
import { ConfidentialityService, PolicyService, type AuthUser } from '../auth/index.js';
import { TaskCandidateEntity, TaskEntity } from './task.entity.js';

/** What decides whether a task's secret content reaches a user. */
export type SecretFacts = Pick<
  TaskEntity,
  'id' | 'secrecy' | 'businessKey' | 'assigneeId' | 'ownerId' | 'completedBy' | 'candidateUsers'
>;

/** Who may see and act on a task. Anyone else gets 404 (other people's work leaks nothing). */
@Injectable()
export class TaskAccess {
  constructor(
    private readonly policy: PolicyService,
    private readonly confidentiality: ConfidentialityService,
  ) {}

  /** A candidate row matches the user: the user named, or a role grant in the agency (and unit, if given). */
  candidateMatches(user: AuthUser, c: TaskCandidateEntity): boolean {
    if (c.userId) return c.userId === user.id;
    return user.roles.some(
      (g) =>
        g.role === c.role &&
        g.agencyId === c.agencyId &&
        (c.unitId === null || g.unitId === null || g.unitId === c.unitId),
    );
  }

  async isCandidate(m: EntityManager, user: AuthUser, taskId: string): Promise<boolean> {
    const rows = await m.find(TaskCandidateEntity, { where: { taskId } });
    return rows.some((c) => this.candidateMatches(user, c));
  }

  isLeaderOver(user: AuthUser, t: TaskEntity): boolean {
    return !!t.agencyId && this.policy.isLeaderOver(user, t.agencyId, t.unitId);
  }

  async canSee(m: EntityManager, user: AuthUser, t: TaskEntity): Promise<boolean> {
    if ([t.assigneeId, t.ownerId, t.completedBy, t.claimedBy].includes(user.id)) return true;
    if (this.isLeaderOver(user, t)) return true;
    return this.isCandidate(m, user, t.id);
  }

  /**
   * A task the user may see whose content is secret to them (its document's secrecy: Decree 30/2020 art. 15.2,
   * the state-secrets law) is "not found": detail, comments, attachments, history, claim and completion alike.
   */
  async load(m: EntityManager, user: AuthUser, id: string, lock = false): Promise<TaskEntity> {
    const t = await fastFindById(m, TaskEntity, id, { lock });
    if (!t || !(await this.canSee(m, user, t)) || (await this.secretTo(user, [t])).has(t.id))
      throw notFound('task', id);
    return t;
  }

  /**
   * The ids of the tasks among these whose secret content the user may not read: a task of a secret document
   * is read by the document's readers and by the people the task names (its assignee, owner, completer,
   * candidate users, who were made readers when it reached them). Unit heads and leaders over the unit, who see
   * every task of it, get the others as a redacted row in lists and boards, and "not found" for the rest.
   */
  async secretTo(user: AuthUser, tasks: SecretFacts[]): Promise<Set<string>> {
    const secret = tasks.filter(
      (t) =>
        t.secrecy &&
        ![t.assigneeId, t.ownerId, t.completedBy].includes(user.id) &&
        !(t.candidateUsers ?? []).includes(user.id),
    );
    if (!secret.length) return new Set();
    const readable = await this.confidentiality.readable(
      user,
      secret.map((t) => t.businessKey).filter((k): k is string => !!k),
    );
    return new Set(secret.filter((t) => !t.businessKey || !readable.has(t.businessKey)).map((t) => t.id));
  }

  /** WHERE clause: some candidate row of the task matches the user. */
  whereCandidate(qb: SelectQueryBuilder<TaskEntity>, user: AuthUser): SelectQueryBuilder<TaskEntity> {
    const params: Record<string, unknown> = { candMe: user.id };
    const ors = ['c.user_id = :candMe'];
    user.roles.forEach((g, i) => {
      params[`candR${i}`] = g.role;
      params[`candA${i}`] = g.agencyId;
      let clause = `(c.role = :candR${i} AND c.agency_id = :candA${i}`;
      if (g.unitId) {
        params[`candU${i}`] = g.unitId;
        clause += ` AND (c.unit_id IS NULL OR c.unit_id = :candU${i})`;
      }
      ors.push(`${clause})`);
    });
    return qb.andWhere(
      `EXISTS (SELECT 1 FROM task_candidate c WHERE c.task_id = t.id AND (${ors.join(' OR ')}))`,
      params,
    );
  }

  /** Agencies the user leads (leader, deputy) and units the user heads: the scope of "all" and of the board. */
  leadership(user: AuthUser): { agencyIds: string[]; unitIds: string[] } {
    const agencyIds = new Set<string>();
    const unitIds = new Set<string>();
    for (const g of user.roles) {
      if (g.role === 'leader' || g.role === 'deputy-leader') agencyIds.add(g.agencyId);
      if (g.role === 'unit-head' && g.unitId) unitIds.add(g.unitId);
    }
    return { agencyIds: [...agencyIds].filter((a) => a === user.agencyId), unitIds: [...unitIds] };
  }

  whereLeadership(qb: SelectQueryBuilder<TaskEntity>, user: AuthUser): SelectQueryBuilder<TaskEntity> | null {
    const { agencyIds, unitIds } = this.leadership(user);
    if (!agencyIds.length && !unitIds.length) return null;
    const ors: string[] = [];
    if (agencyIds.length) ors.push('t.agency_id IN (:...leadAgencies)');
    if (unitIds.length) ors.push('(t.agency_id = :leadOwnAgency AND t.unit_id IN (:...leadUnits))');
    return qb.andWhere(`(${ors.join(' OR ')})`, {
      leadAgencies: agencyIds,
      leadUnits: unitIds,
      leadOwnAgency: user.agencyId,
    });
  }
}
