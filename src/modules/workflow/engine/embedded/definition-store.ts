import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '../../../../common/clock.js';
import { badRequest, notFound } from '../../../../common/domain-error.js';
import { registerMessages } from '../../../../common/messages.js';
import { isUniqueViolation } from '../../../../database/db-errors.js';
import { TransactionService } from '../../../../database/transaction.service.js';
import { AuditService } from '../../../audit/index.js';
import { PolicyService } from '../../../auth/index.js';
import { WorkflowDefinitionEntity } from '../../workflow-definition.entity.js';
import { WorkflowTimerEntity } from '../../workflow-wait.entity.js';
import type { DeployResult, ValidationProblem } from '../workflow-engine.port.js';
import { timerDue } from './feel.js';
import { prepareSource } from './instance-run.js';
import { compile, parseModel, type CompiledDefinition } from './model.js';
import { validateBpmn } from './validation.js';

registerMessages({
  BPMN_INVALID: {
    vi: 'Tệp BPMN không hợp lệ ({count} lỗi): {first}',
    en: 'The BPMN file is invalid ({count} problem(s)): {first}',
  },
});

/**
 * Versioned process definitions: validation before anything is stored, one new version per changed content,
 * and the parsed definition cached per version (parsing dominates bpmn-engine's cost).
 */
@Injectable()
export class DefinitionStore {
  private readonly compiled = new Map<string, Promise<CompiledDefinition>>();
  /**
   * The definition an agency starts per process id (its nearest variant), re-read after 2 s (another app process
   * may have deployed a newer one). Keyed `processId|agencyId`.
   */
  private readonly latest = new Map<string, { row: WorkflowDefinitionEntity; at: number }>();

  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly policy: PolicyService,
  ) {}

  /**
   * Owners whose definitions an agency runs, nearest first: itself, its parent, … the root, then null (deployed
   * before any agency existed). null agency (a trusted caller that names none): the root's and null only.
   */
  async ownerChain(agencyId: string | null | undefined): Promise<(string | null)[]> {
    if (!agencyId) return [...(await this.roots()), null];
    return [agencyId, ...(await this.policy.ancestors(agencyId)), null];
  }

  /** Of rows of one process id, the latest version of the nearest owner in `chain`. */
  static nearest<T extends { agencyId: string | null; version: number }>(
    rows: T[],
    chain: (string | null)[],
  ): T | null {
    let best: T | null = null;
    let bestRank = Infinity;
    for (const r of rows) {
      const rank = chain.indexOf(r.agencyId);
      if (rank < 0) continue;
      if (rank < bestRank || (rank === bestRank && r.version > best!.version)) [best, bestRank] = [r, rank];
    }
    return best;
  }

  async validate(
    xml: string,
    hasWorker: (type: string) => boolean,
    target: 'embedded' | 'zeebe' = 'embedded',
  ): Promise<ValidationProblem[]> {
    return (await validateBpmn(xml, hasWorker, target)).problems;
  }

  async deploy(
    xml: string,
    hasWorker: (type: string) => boolean,
    opts: {
      deployedBy?: string | null;
      source?: 'startup' | 'api';
      /** The owning agency (tenant); startup deploys belong to the root agency. */
      agencyId?: string | null;
      target?: 'embedded' | 'zeebe';
      /** Runs inside the deploy transaction before commit (the Zeebe adapter deploys to the broker there). */
      publish?: (processId: string, ownerId: string | null) => Promise<void>;
    } = {},
  ): Promise<DeployResult> {
    const { problems, model } = await validateBpmn(xml, hasWorker, opts.target ?? 'embedded');
    if (problems.length || !model)
      throw badRequest('BPMN_INVALID', { count: problems.length, first: describe(problems[0]) }, { errors: problems });
    const process = model.executable[0];
    const processId: string = process.id;
    const checksum = createHash('sha256').update(xml).digest('hex');
    const ownerId =
      opts.agencyId !== undefined ? opts.agencyId : opts.source === 'startup' ? await this.rootOwner() : null;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.tx.run(async (m) => {
          const own = await this.latestRow(m, processId, ownerId);
          if (own?.checksum === checksum) return { processId, version: own.version, checksum, changed: false };
          const latest = await this.latestRow(m, processId);
          const row = m.create(WorkflowDefinitionEntity, {
            id: this.ids.next(),
            processId,
            agencyId: ownerId,
            version: (latest?.version ?? 0) + 1,
            name: String(process.name ?? '').slice(0, 200),
            xml,
            checksum,
            deployedAt: this.clock.now(),
            deployedBy: opts.deployedBy ?? null,
            source: opts.source ?? 'api',
          });
          await m.insert(WorkflowDefinitionEntity, row);
          if (opts.publish) await opts.publish(processId, ownerId);
          else await this.scheduleStartTimers(m, row, model.elements);
          await this.audit.record({
            actorId: opts.deployedBy ?? null,
            agencyId: ownerId,
            action: 'workflow.deploy',
            entityType: 'workflow-definition',
            entityId: row.id,
            data: { processId, version: row.version, checksum, source: row.source, ownerId },
          });
          this.tx.afterCommit(() => this.latest.clear());
          return { processId, version: row.version, checksum, changed: true };
        });
      } catch (e) {
        if (attempt < 3 && isUniqueViolation(e)) continue; // another app process deployed the same version
        throw e;
      }
    }
  }

  /** The root agency, owner of processes/ (null while the tree is empty or has several roots). */
  private async rootOwner(): Promise<string | null> {
    const roots = await this.roots();
    return roots.length === 1 ? roots[0] : null;
  }

  /** Read from the table, not the policy's cached tree: the first start deploys right after seeding the tree. */
  private async roots(): Promise<string[]> {
    const rows: { id: string }[] = await this.tx.manager.query('SELECT id FROM agency WHERE parent_id IS NULL');
    return rows.map((r) => r.id);
  }

  /** A timer start event of an owner's latest version creates instances on its schedule (older versions' stop). */
  private async scheduleStartTimers(
    m: EntityManager,
    row: WorkflowDefinitionEntity,
    elements: Awaited<ReturnType<typeof parseModel>>['elements'],
  ): Promise<void> {
    const old = await m.find(WorkflowDefinitionEntity, {
      where: { processId: row.processId, agencyId: row.agencyId ?? IsNull() },
      select: { id: true },
    });
    for (const o of old)
      if (o.id !== row.id) await m.delete(WorkflowTimerEntity, { definitionId: o.id, instanceId: IsNull() });
    for (const info of elements.values()) {
      if (info.type !== 'bpmn:StartEvent' || !info.timer || info.scopeId !== row.processId) continue;
      const spec = timerDue(info.timer.kind, info.timer.value, this.clock.now());
      await m.insert(WorkflowTimerEntity, {
        id: this.ids.next(),
        instanceId: null,
        definitionId: row.id,
        elementId: info.id,
        executionId: null,
        dueAt: spec.dueAt,
        repeatLeft: spec.repeatLeft ?? null,
        period: spec.period ?? null,
      });
    }
  }

  private latestRow(
    m: EntityManager,
    processId: string,
    ownerId?: string | null,
  ): Promise<WorkflowDefinitionEntity | null> {
    return m.findOne(WorkflowDefinitionEntity, {
      where: ownerId === undefined ? { processId } : { processId, agencyId: ownerId ?? IsNull() },
      order: { version: 'DESC' },
    });
  }

  /**
   * The definition an instance of `agencyId` runs: the given version if its owner is the agency or one of its
   * ancestors (another agency's variant is not found), else the latest version of the nearest owner.
   */
  async resolve(
    m: EntityManager,
    processId: string,
    version?: number,
    agencyId?: string | null,
  ): Promise<WorkflowDefinitionEntity> {
    const key = `${processId}|${agencyId ?? ''}`;
    const cached = version === undefined ? this.latest.get(key) : undefined;
    if (cached && Date.now() - cached.at < 2000) return cached.row;
    const chain = await this.ownerChain(agencyId);
    const owners = chain.filter((c): c is string => c !== null);
    const rows = await m.find(WorkflowDefinitionEntity, {
      where: [
        { processId, ...(version ? { version } : {}), agencyId: IsNull() },
        ...(owners.length ? [{ processId, ...(version ? { version } : {}), agencyId: In(owners) }] : []),
      ],
      select: { id: true, processId: true, version: true, agencyId: true },
    });
    const row = DefinitionStore.nearest(rows, chain);
    if (!row) throw notFound('process definition', processId);
    if (version === undefined) this.latest.set(key, { row, at: Date.now() });
    return row;
  }

  /** The compiled definition of a version (parsed once per process lifetime). */
  get(m: EntityManager, definitionId: string): Promise<CompiledDefinition> {
    let p = this.compiled.get(definitionId);
    if (!p) {
      p = (async () => {
        const row = await m.findOneByOrFail(WorkflowDefinitionEntity, { id: definitionId });
        const def = compile(await parseModel(row.xml), row.id, row.processId, row.version);
        def.ownerId = row.agencyId ?? null;
        prepareSource(def);
        return def;
      })();
      p.catch(() => this.compiled.delete(definitionId));
      this.compiled.set(definitionId, p);
    }
    return p;
  }

  /**
   * Definitions that start on a message of this name (message start events): per process id, the one the
   * message's agency runs (its nearest variant), so a variant never starts on another agency's messages.
   */
  async messageStarts(
    m: EntityManager,
    name: string,
    agencyId?: string | null,
  ): Promise<{ def: CompiledDefinition; elementId: string }[]> {
    const chain = await this.ownerChain(agencyId);
    const all = await m.find(WorkflowDefinitionEntity, {
      select: { id: true, processId: true, version: true, agencyId: true },
    });
    const byProcess = new Map<string, WorkflowDefinitionEntity[]>();
    for (const r of all) byProcess.set(r.processId, [...(byProcess.get(r.processId) ?? []), r]);
    const rows = [...byProcess.values()]
      .map((list) => DefinitionStore.nearest(list, chain))
      .filter((r): r is WorkflowDefinitionEntity => !!r);
    const out: { def: CompiledDefinition; elementId: string }[] = [];
    for (const r of rows) {
      const def = await this.get(m, r.id);
      for (const info of def.elements.values())
        if (info.type === 'bpmn:StartEvent' && info.message?.name === name && info.scopeId === def.processId)
          out.push({ def, elementId: info.id });
    }
    return out;
  }
}

function describe(p: ValidationProblem | undefined): string {
  if (!p) return '';
  return p.elementId ? `${p.elementId}: ${p.message}` : p.message;
}
