import { Injectable } from '@nestjs/common';
import { In, IsNull, type FindOptionsWhere } from 'typeorm';
import { badRequest, notFound } from '../../common/domain-error.js';
import { registerMessages } from '../../common/messages.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/index.js';
import { ConfidentialityService, PolicyService, type AuthUser } from '../auth/index.js';
import { EmbeddedWorkflowEngine } from './engine/embedded/embedded-engine.js';
import { WorkflowEngine, type ValidationProblem } from './engine/workflow-engine.port.js';
import type { ListIncidentsQuery, ListInstancesQuery, StartInstanceDto } from './dto/workflow.dto.js';
import { WorkflowDefinitionEntity } from './workflow-definition.entity.js';
import { WorkflowActivityEntity, WorkflowInstanceEntity } from './workflow-instance.entity.js';
import { WorkflowIncidentEntity } from './workflow-wait.entity.js';
import { toActivityView, toDefinitionView, toIncidentView, toInstanceView } from './workflow.mappers.js';

registerMessages({
  BPMN_BODY_MISSING: {
    vi: 'Hãy gửi tệp BPMN (Content-Type: application/xml) hoặc trường "file" dạng multipart.',
    en: 'Send the BPMN XML (Content-Type: application/xml) or a multipart field "file".',
  },
});

/** The workflow API's use cases: definitions, instances (scoped to the caller's agencies), incidents. */
@Injectable()
export class WorkflowService {
  constructor(
    private readonly tx: TransactionService,
    private readonly engine: WorkflowEngine,
    private readonly embedded: EmbeddedWorkflowEngine,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
    private readonly confidentiality: ConfidentialityService,
  ) {}

  async latestDefinitions() {
    const rows = await this.tx.manager
      .createQueryBuilder(WorkflowDefinitionEntity, 'd')
      .select(['d.id', 'd.processId', 'd.version', 'd.name', 'd.checksum', 'd.deployedAt', 'd.source'])
      .where('d.version = (SELECT MAX(d2.version) FROM workflow_definition d2 WHERE d2.process_id = d.process_id)')
      .orderBy('d.processId', 'ASC')
      .getMany();
    return rows.map(toDefinitionView);
  }

  async versions(processId: string) {
    const rows = await this.tx.manager.find(WorkflowDefinitionEntity, {
      where: { processId },
      order: { version: 'DESC' },
      select: {
        id: true,
        processId: true,
        version: true,
        name: true,
        checksum: true,
        deployedAt: true,
        deployedBy: true,
        source: true,
      },
    });
    if (!rows.length) throw notFound('process definition', processId);
    return rows.map(toDefinitionView);
  }

  async xml(processId: string, version?: number): Promise<string> {
    const row = await this.tx.manager.findOne(WorkflowDefinitionEntity, {
      where: version ? { processId, version } : { processId },
      order: { version: 'DESC' },
    });
    if (!row) throw notFound('process definition', processId);
    return row.xml;
  }

  async deploy(user: AuthUser, xml: string) {
    if (!xml.trim()) throw badRequest('BPMN_BODY_MISSING');
    const r = await this.engine.deploy(xml, { deployedBy: user.id, source: 'api' });
    return { processId: r.processId, version: r.version, changed: r.changed };
  }

  async validate(xml: string): Promise<{ valid: boolean; errors: ValidationProblem[] }> {
    if (!xml.trim()) throw badRequest('BPMN_BODY_MISSING');
    const errors = await this.engine.validate(xml);
    return { valid: !errors.length, errors };
  }

  async start(user: AuthUser, dto: StartInstanceDto) {
    const variables = { ...(dto.variables ?? {}) };
    // Test instances started by an administrator belong to the caller's agency unless another visible one is named.
    if (typeof variables.agencyId === 'string') await this.policy.assertCanSeeAgency(user, variables.agencyId);
    else variables.agencyId = user.agencyId;
    return this.engine.start({
      processId: dto.processId,
      version: dto.version,
      businessKey: dto.businessKey,
      variables,
      startedBy: user.id,
    });
  }

  private async scope(user: AuthUser): Promise<FindOptionsWhere<WorkflowInstanceEntity>['agencyId'][]> {
    const ids = await this.policy.visibleAgencyIds(user);
    const scopes: FindOptionsWhere<WorkflowInstanceEntity>['agencyId'][] = [In(ids)];
    if (user.roleNames.includes('admin')) scopes.push(IsNull());
    return scopes;
  }

  async list(user: AuthUser, q: ListInstancesQuery) {
    const base: FindOptionsWhere<WorkflowInstanceEntity> = {};
    if (q.businessKey) base.businessKey = q.businessKey;
    if (q.processId) base.processId = q.processId;
    if (q.state) base.state = q.state;
    const rows = await this.tx.manager.find(WorkflowInstanceEntity, {
      where: (await this.scope(user)).map((agencyId) => ({ ...base, agencyId })),
      order: { startedAt: 'DESC' },
      take: 500,
      select: {
        id: true,
        processId: true,
        version: true,
        businessKey: true,
        state: true,
        startedAt: true,
        endedAt: true,
        agencyId: true,
        parentInstanceId: true,
      },
    });
    const hidden = await this.confidentiality.hiddenIds(user, [
      ...new Set(rows.map((r) => r.agencyId).filter((a): a is string => !!a)),
    ]);
    return rows.filter((r) => !r.businessKey || !hidden.has(r.businessKey)).map(toInstanceView);
  }

  private async visibleInstance(user: AuthUser, id: string): Promise<WorkflowInstanceEntity> {
    const row = await this.tx.manager.findOneBy(WorkflowInstanceEntity, { id });
    if (!row) throw notFound('process instance', id);
    if (
      row.agencyId === null
        ? !user.roleNames.includes('admin')
        : !(await this.policy.visibleAgencyIds(user)).includes(row.agencyId)
    )
      throw notFound('process instance', id);
    // The instance of a secret document is as invisible as the document itself.
    if (
      row.businessKey &&
      row.agencyId &&
      (await this.confidentiality.hiddenIds(user, [row.agencyId])).has(row.businessKey)
    )
      throw notFound('process instance', id);
    return row;
  }

  /** Variables only for administrators / process administrators of the instance's agency. */
  private mayAdminister(user: AuthUser, agencyId: string | null): boolean {
    return user.roles.some(
      (g) =>
        (g.role === 'admin' || g.role === 'process-admin') &&
        (agencyId === null || g.agencyId === agencyId || g.includeDescendants),
    );
  }

  async detail(user: AuthUser, id: string) {
    const row = await this.visibleInstance(user, id);
    const activities = await this.tx.manager.find(WorkflowActivityEntity, {
      where: { instanceId: id },
      order: { seq: 'ASC' },
    });
    const incidents = await this.tx.manager.find(WorkflowIncidentEntity, {
      where: { instanceId: id },
      order: { createdAt: 'ASC' },
    });
    const { vars } = row.runtime ?? { vars: {} };
    return {
      ...toInstanceView(row),
      activities: activities.map(toActivityView),
      waitingAt: activities.filter((a) => a.state === 'active').map((a) => a.elementId),
      variables: this.mayAdminister(user, row.agencyId) ? vars : undefined,
      incidents: incidents.map(toIncidentView),
    };
  }

  async cancel(user: AuthUser, id: string) {
    const row = await this.visibleInstance(user, id);
    if (!this.mayAdminister(user, row.agencyId)) throw notFound('process instance', id);
    await this.engine.cancel(id, user.id);
    return toInstanceView(await this.tx.manager.findOneByOrFail(WorkflowInstanceEntity, { id }));
  }

  async incidents(user: AuthUser, q: ListIncidentsQuery) {
    const instances = await this.tx.manager.find(WorkflowInstanceEntity, {
      where: (await this.scope(user)).map((agencyId) => ({ agencyId, state: In(['incident', 'active']) })),
      select: { id: true },
    });
    const ids = instances.map((i) => i.id).filter((i) => !q.instanceId || i === q.instanceId);
    if (!ids.length) return [];
    const rows = await this.tx.manager.find(WorkflowIncidentEntity, {
      where: { instanceId: In(ids), ...(q.state ? { state: q.state } : {}) },
      order: { createdAt: 'DESC' },
      take: 500,
    });
    return rows.map(toIncidentView);
  }

  async retry(user: AuthUser, incidentId: string) {
    const incident = await this.tx.manager.findOneBy(WorkflowIncidentEntity, { id: incidentId });
    if (!incident) throw notFound('incident', incidentId);
    const inst = await this.visibleInstance(user, incident.instanceId).catch(() => {
      throw notFound('incident', incidentId);
    });
    if (!this.mayAdminister(user, inst.agencyId)) throw notFound('incident', incidentId);
    if (incident.state !== 'open') return toIncidentView(incident);
    await this.embedded.track(() =>
      this.tx.run(async (m) => {
        await this.embedded.retryIncident(m, incident);
        await this.audit.record({
          actorId: user.id,
          agencyId: inst.agencyId,
          action: 'workflow.incident.retry',
          entityType: 'workflow-instance',
          entityId: inst.id,
          data: { incidentId: incident.id, elementId: incident.elementId, type: incident.type },
        });
      }),
    );
    return toIncidentView(await this.tx.manager.findOneByOrFail(WorkflowIncidentEntity, { id: incidentId }));
  }
}
