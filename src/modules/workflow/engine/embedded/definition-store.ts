import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../config/app-config.js';
import { Clock, IdGenerator } from '../../../../common/clock.js';
import { badRequest, notFound } from '../../../../common/domain-error.js';
import { registerMessages } from '../../../../common/messages.js';
import { isUniqueViolation } from '../../../../database/db-errors.js';
import { TransactionService } from '../../../../database/transaction.service.js';
import { AuditService } from '../../../audit/index.js';
import { WorkflowDefinitionEntity } from '../../workflow-definition.entity.js';
import { WorkflowTimerEntity } from '../../workflow-wait.entity.js';
import type { DeployResult, ValidationProblem } from '../workflow-engine.port.js';
import { timerDue } from './feel.js';
import { prepareSource } from './instance-run.js';
import { compile, parseModel, type CompiledDefinition } from './model.js';
import { DEFAULT_BPMN_LIMITS, validateBpmn, type BpmnLimits } from './validation.js';

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
  /** Latest version per process id, re-read after 2 s (another app process may have deployed a newer one). */
  private readonly latest = new Map<string, { row: WorkflowDefinitionEntity; at: number }>();

  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get limits(): BpmnLimits {
    return { ...DEFAULT_BPMN_LIMITS, minTimerMs: this.config.timerMinIntervalMs };
  }

  async validate(
    xml: string,
    hasWorker: (type: string) => boolean,
    target: 'embedded' | 'zeebe' = 'embedded',
  ): Promise<ValidationProblem[]> {
    return (await validateBpmn(xml, hasWorker, target, this.limits)).problems;
  }

  async deploy(
    xml: string,
    hasWorker: (type: string) => boolean,
    opts: {
      deployedBy?: string | null;
      source?: 'startup' | 'api';
      agencyId?: string | null;
      target?: 'embedded' | 'zeebe';
      /** Runs inside the deploy transaction before commit (the Zeebe adapter deploys to the broker there). */
      publish?: (processId: string) => Promise<void>;
    } = {},
  ): Promise<DeployResult> {
    const { problems, model } = await validateBpmn(xml, hasWorker, opts.target ?? 'embedded', this.limits);
    if (problems.length || !model)
      throw badRequest('BPMN_INVALID', { count: problems.length, first: describe(problems[0]) }, { errors: problems });
    const process = model.executable[0];
    const processId: string = process.id;
    const checksum = createHash('sha256').update(xml).digest('hex');
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.tx.run(async (m) => {
          const latest = await this.latestRow(m, processId);
          if (latest?.checksum === checksum) return { processId, version: latest.version, checksum, changed: false };
          const row = m.create(WorkflowDefinitionEntity, {
            id: this.ids.next(),
            processId,
            version: (latest?.version ?? 0) + 1,
            name: String(process.name ?? '').slice(0, 200),
            xml,
            checksum,
            deployedAt: this.clock.now(),
            deployedBy: opts.deployedBy ?? null,
            source: opts.source ?? 'api',
          });
          await m.insert(WorkflowDefinitionEntity, row);
          if (opts.publish) await opts.publish(processId);
          else await this.scheduleStartTimers(m, row, model.elements);
          await this.audit.record({
            actorId: opts.deployedBy ?? null,
            agencyId: opts.agencyId ?? null,
            action: 'workflow.deploy',
            entityType: 'workflow-definition',
            entityId: row.id,
            data: { processId, version: row.version, checksum, source: row.source },
          });
          this.tx.afterCommit(() => void this.latest.delete(processId));
          return { processId, version: row.version, checksum, changed: true };
        });
      } catch (e) {
        if (attempt < 3 && isUniqueViolation(e)) continue; // another app process deployed the same version
        throw e;
      }
    }
  }

  /** A timer start event of the latest version creates instances on its schedule (older versions' stop). */
  private async scheduleStartTimers(
    m: EntityManager,
    row: WorkflowDefinitionEntity,
    elements: Awaited<ReturnType<typeof parseModel>>['elements'],
  ): Promise<void> {
    const old = await m.find(WorkflowDefinitionEntity, { where: { processId: row.processId }, select: { id: true } });
    for (const o of old)
      if (o.id !== row.id) await m.delete(WorkflowTimerEntity, { definitionId: o.id, instanceId: IsNull() });
    for (const info of elements.values()) {
      if (info.type !== 'bpmn:StartEvent' || !info.timer || info.scopeId !== row.processId) continue;
      const spec = timerDue(info.timer.kind, info.timer.value, this.clock.now(), this.config.timerMinIntervalMs);
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

  private latestRow(m: EntityManager, processId: string): Promise<WorkflowDefinitionEntity | null> {
    return m.findOne(WorkflowDefinitionEntity, { where: { processId }, order: { version: 'DESC' } });
  }

  async resolve(m: EntityManager, processId: string, version?: number): Promise<WorkflowDefinitionEntity> {
    const cached = version === undefined ? this.latest.get(processId) : undefined;
    if (cached && Date.now() - cached.at < 2000) return cached.row;
    const row =
      version === undefined
        ? await m.findOne(WorkflowDefinitionEntity, {
            where: { processId },
            order: { version: 'DESC' },
            select: { id: true, processId: true, version: true },
          })
        : await m.findOne(WorkflowDefinitionEntity, {
            where: { processId, version },
            select: { id: true, processId: true, version: true },
          });
    if (!row) throw notFound('process definition', processId);
    if (version === undefined) this.latest.set(processId, { row, at: Date.now() });
    return row;
  }

  /** The compiled definition of a version (parsed once per process lifetime). */
  get(m: EntityManager, definitionId: string): Promise<CompiledDefinition> {
    let p = this.compiled.get(definitionId);
    if (!p) {
      p = (async () => {
        const row = await m.findOneByOrFail(WorkflowDefinitionEntity, { id: definitionId });
        const def = compile(await parseModel(row.xml), row.id, row.processId, row.version);
        prepareSource(def);
        return def;
      })();
      p.catch(() => this.compiled.delete(definitionId));
      this.compiled.set(definitionId, p);
    }
    return p;
  }

  /** Latest definitions that start on a message of this name (message start events). */
  async messageStarts(m: EntityManager, name: string): Promise<{ def: CompiledDefinition; elementId: string }[]> {
    const rows = await m
      .createQueryBuilder(WorkflowDefinitionEntity, 'd')
      .select(['d.id', 'd.processId', 'd.version'])
      .where('d.version = (SELECT MAX(d2.version) FROM workflow_definition d2 WHERE d2.process_id = d.process_id)')
      .getMany();
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
