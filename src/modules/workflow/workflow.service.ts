import { Injectable } from '@nestjs/common';
import { In, IsNull, type FindOptionsWhere } from 'typeorm';
import { badRequest, forbidden, notFound } from '../../common/domain-error.js';
import { registerMessages } from '../../common/messages.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/index.js';
import { ConfidentialityService, PolicyService, type AuthUser } from '../auth/index.js';
import { EmbeddedWorkflowEngine } from './engine/embedded/embedded-engine.js';
import { WorkflowEngine, type ValidationProblem } from './engine/workflow-engine.port.js';
import type { ListIncidentsQuery, ListInstancesQuery, StartInstanceDto } from './dto/workflow.dto.js';
import { WorkflowActivityEntity, WorkflowInstanceEntity } from './workflow-instance.entity.js';
import { WorkflowIncidentEntity } from './workflow-wait.entity.js';
import { toActivityView, toIncidentView, toInstanceView } from './workflow.mappers.js';
import { deployPolicyProblems, domainProcessIds, SERVER_OWNED_VARIABLES } from './deploy-policy.js';
import { WorkflowScope } from './workflow-scope.js';

registerMessages({
  BPMN_BODY_MISSING: {
    vi: 'Hãy gửi tệp BPMN (Content-Type: application/xml) hoặc trường "file" dạng multipart.',
    en: 'Send the BPMN XML (Content-Type: application/xml) or a multipart field "file".',
  },
  WORKFLOW_DOMAIN_PROCESS: {
    vi: 'Quy trình {processId} chỉ được khởi tạo từ chức năng nghiệp vụ của nó (văn bản, hồ sơ).',
    en: 'Process {processId} starts only from its own function (documents, dossiers).',
  },
  WORKFLOW_VARIABLE_SERVER_OWNED: {
    vi: 'Biến {name} do hệ thống gán khi khởi tạo quy trình, không được truyền vào.',
    en: 'Variable {name} is set by the server when it starts an instance; it cannot be given.',
  },
});

const describe = (p: ValidationProblem | undefined) =>
  !p ? '' : p.elementId ? `${p.elementId}: ${p.message}` : p.message;

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
    private readonly scopes: WorkflowScope,
  ) {}

  /** Deploys a version owned by `agencyId` (default: the caller's agency), which the caller must administer. */
  async deploy(user: AuthUser, xml: string, agencyId?: string) {
    if (!xml.trim()) throw badRequest('BPMN_BODY_MISSING');
    const owner = agencyId ?? user.agencyId;
    await this.scopes.assertAdministers(user, owner);
    const problems = await deployPolicyProblems(xml, this.engine.catalogue);
    if (problems.length)
      throw badRequest('BPMN_INVALID', { count: problems.length, first: describe(problems[0]) }, { errors: problems });
    const r = await this.engine.deploy(xml, { deployedBy: user.id, source: 'api', agencyId: owner });
    return { processId: r.processId, version: r.version, changed: r.changed, ownerAgencyId: owner };
  }

  async validate(xml: string): Promise<{ valid: boolean; errors: ValidationProblem[] }> {
    if (!xml.trim()) throw badRequest('BPMN_BODY_MISSING');
    const errors = [...(await this.engine.validate(xml)), ...(await deployPolicyProblems(xml, this.engine.catalogue))];
    return { valid: !errors.length, errors };
  }

  /**
   * A generic instance (a custom process, a test run): within the agencies the caller administers, never of a
   * document or dossier flow (those start from their domain endpoints, which bind the object), and with no
   * variable or business key naming an object (another agency's → 404, as if it did not exist).
   */
  async start(user: AuthUser, dto: StartInstanceDto) {
    if (domainProcessIds(this.engine.catalogue).has(dto.processId))
      throw forbidden('WORKFLOW_DOMAIN_PROCESS', { processId: dto.processId });
    const variables = { ...(dto.variables ?? {}) };
    const agencyId = typeof variables.agencyId === 'string' ? variables.agencyId : user.agencyId;
    await this.scopes.assertAdministers(user, agencyId);
    for (const key of Object.keys(variables))
      if (key !== 'agencyId' && SERVER_OWNED_VARIABLES.has(key)) {
        await this.assertNotForeignObject(user, variables[key]);
        throw badRequest('WORKFLOW_VARIABLE_SERVER_OWNED', { name: key });
      }
    if (dto.businessKey && (await this.assertNotForeignObject(user, dto.businessKey)))
      throw badRequest('WORKFLOW_VARIABLE_SERVER_OWNED', { name: 'businessKey' });
    return this.engine.start({
      processId: dto.processId,
      version: dto.version,
      businessKey: dto.businessKey,
      variables,
      startedBy: user.id,
      agencyId,
      object: null,
    });
  }

  /** 404 for an id of an object the caller may not see; true when it names one they may see. */
  private async assertNotForeignObject(user: AuthUser, value: unknown): Promise<boolean> {
    if (typeof value !== 'string' || !value) return false;
    const owner = await this.scopes.agencyOfObject(value);
    if (!owner) return false;
    const visible = (await this.policy.visibleAgencyIds(user)).includes(owner);
    if (!visible || (await this.confidentiality.hiddenIds(user, [owner])).has(value)) throw notFound('object', value);
    return true;
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

  /**
   * Variables, cancel and retry: only for process administrators of the instance's agency (a grant on it, or on
   * an ancestor with its subtree). An instance without agency (from before tenancy) is the root's.
   */
  private async mayAdminister(user: AuthUser, agencyId: string | null): Promise<boolean> {
    const administered = await this.scopes.administered(user);
    if (agencyId) return administered.has(agencyId);
    for (const id of administered) if (!(await this.policy.ancestors(id)).length) return true;
    return false;
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
      variables: (await this.mayAdminister(user, row.agencyId)) ? vars : undefined,
      incidents: incidents.map(toIncidentView),
    };
  }

  async cancel(user: AuthUser, id: string) {
    const row = await this.visibleInstance(user, id);
    if (!(await this.mayAdminister(user, row.agencyId))) throw notFound('process instance', id);
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
    if (!(await this.mayAdminister(user, inst.agencyId))) throw notFound('incident', incidentId);
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
