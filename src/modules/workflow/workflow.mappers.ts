import type { WorkflowDefinitionEntity } from './workflow-definition.entity.js';
import type { WorkflowActivityEntity, WorkflowInstanceEntity } from './workflow-instance.entity.js';
import type { WorkflowIncidentEntity } from './workflow-wait.entity.js';

export const toDefinitionView = (d: WorkflowDefinitionEntity) => ({
  processId: d.processId,
  version: d.version,
  name: d.name,
  deployedAt: d.deployedAt,
  checksum: d.checksum,
  source: d.source,
  ...(d.deployedBy !== undefined ? { deployedBy: d.deployedBy } : {}),
});

export const toInstanceView = (i: WorkflowInstanceEntity) => ({
  id: i.id,
  processId: i.processId,
  version: i.version,
  businessKey: i.businessKey,
  state: i.state,
  startedAt: i.startedAt,
  endedAt: i.endedAt ?? undefined,
  parentInstanceId: i.parentInstanceId ?? undefined,
});

export const toActivityView = (a: WorkflowActivityEntity) => ({
  elementId: a.elementId,
  name: a.name,
  type: a.elementType,
  state: a.state,
  startedAt: a.startedAt,
  endedAt: a.endedAt ?? undefined,
  by: a.by ?? undefined,
});

export const toIncidentView = (i: WorkflowIncidentEntity) => ({
  id: i.id,
  instanceId: i.instanceId,
  elementId: i.elementId,
  type: i.type,
  message: i.message,
  state: i.state,
  createdAt: i.createdAt,
  resolvedAt: i.resolvedAt ?? undefined,
});
