import { Injectable } from '@nestjs/common';
import { In, IsNull } from 'typeorm';
import { notFound } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import type { AuthUser } from '../auth/index.js';
import { DefinitionStore } from './engine/embedded/definition-store.js';
import { WorkflowDefinitionEntity } from './workflow-definition.entity.js';
import { toDefinitionView } from './workflow.mappers.js';
import { WorkflowScope } from './workflow-scope.js';

const COLUMNS = {
  id: true,
  processId: true,
  version: true,
  name: true,
  checksum: true,
  deployedAt: true,
  deployedBy: true,
  source: true,
  agencyId: true,
} as const;

/**
 * Reading definitions, scoped like running them: an agency sees the definition it runs per process id (its own
 * variant, else its parent's, … else the province default), and a process administrator also the variants of the
 * agencies they administer. Another agency's variant is not found.
 */
@Injectable()
export class WorkflowDefinitionsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly scope: WorkflowScope,
  ) {}

  /** The agency whose view is asked for: the caller's own, or one they administer. */
  private async viewed(user: AuthUser, agencyId?: string): Promise<string> {
    if (!agencyId || agencyId === user.agencyId) return user.agencyId;
    if (!(await this.scope.administered(user)).has(agencyId)) throw notFound('agency', agencyId);
    return agencyId;
  }

  private async owned(owners: (string | null)[], processId?: string): Promise<WorkflowDefinitionEntity[]> {
    const ids = owners.filter((o): o is string => !!o);
    const base = processId ? { processId } : {};
    return this.tx.manager.find(WorkflowDefinitionEntity, {
      where: [{ ...base, agencyId: IsNull() }, ...(ids.length ? [{ ...base, agencyId: In(ids) }] : [])],
      select: COLUMNS,
      order: { version: 'DESC' },
    });
  }

  private async views(rows: WorkflowDefinitionEntity[], viewed: string) {
    const names = await this.scope.names(rows.map((r) => r.agencyId));
    return rows.map((r) => ({
      ...toDefinitionView(r),
      owner: r.agencyId ? { agencyId: r.agencyId, ...names.get(r.agencyId) } : null,
      /** Owned by the agency viewed: editing it deploys a new version of the same variant. */
      own: r.agencyId === viewed,
    }));
  }

  /** Per process id, the definition the viewed agency runs (and whose it is). */
  async latest(user: AuthUser, agencyId?: string) {
    const viewed = await this.viewed(user, agencyId);
    const chain = await this.scope.chain(viewed);
    const byProcess = new Map<string, WorkflowDefinitionEntity[]>();
    for (const r of await this.owned(chain)) byProcess.set(r.processId, [...(byProcess.get(r.processId) ?? []), r]);
    const rows = [...byProcess.values()]
      .map((list) => DefinitionStore.nearest(list, chain))
      .filter((r): r is WorkflowDefinitionEntity => !!r)
      .sort((a, b) => a.processId.localeCompare(b.processId));
    return this.views(rows, viewed);
  }

  /** Every version of a process id the caller may read (their chain's and the agencies they administer). */
  async versions(user: AuthUser, processId: string) {
    const rows = await this.owned([...(await this.scope.readableOwners(user))], processId);
    if (!rows.length) throw notFound('process definition', processId);
    return this.views(rows, user.agencyId);
  }

  /** A version's XML (if its owner is readable), or the XML the viewed agency runs. */
  async xml(user: AuthUser, processId: string, version?: number, agencyId?: string): Promise<string> {
    let id: string | undefined;
    if (version) {
      const readable = await this.scope.readableOwners(user);
      const row = await this.tx.manager.findOne(WorkflowDefinitionEntity, {
        where: { processId, version },
        select: { id: true, agencyId: true },
      });
      if (row && readable.has(row.agencyId)) id = row.id;
    } else {
      const viewed = await this.viewed(user, agencyId);
      const chain = await this.scope.chain(viewed);
      id = DefinitionStore.nearest(await this.owned(chain, processId), chain)?.id;
    }
    const row = id ? await this.tx.manager.findOneBy(WorkflowDefinitionEntity, { id }) : null;
    if (!row) throw notFound('process definition', processId);
    return row.xml;
  }
}
