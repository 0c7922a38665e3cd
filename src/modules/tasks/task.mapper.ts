import type { TaskEntity, TaskState } from './task.entity.js';

export interface TaskView {
  id: string;
  name: string;
  elementId: string;
  processInstanceId: string;
  processId: string;
  processVersion: number;
  businessKey: string | null;
  assigneeId: string | null;
  ownerId: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  unitId: string | null;
  dueAt: string | null;
  followUpAt: string | null;
  createdAt: string;
  state: TaskState;
  overdue: boolean;
  urgency: string | null;
  secrecy: string | null;
  subject: string | null;
  outcome: string | null;
  claimedAt: string | null;
  completedBy: string | null;
  completedAt: string | null;
  /** The task's document is secret to the caller: no subject, no document id ("Văn bản mật" in the web app). */
  redacted?: true;
}

/** What a list or board shows of a task whose document the caller may not read: that work exists, no more. */
export function redacted<T extends { subject: string | null; businessKey: string | null }>(
  v: T,
): T & { redacted: true } {
  return { ...v, subject: null, businessKey: null, redacted: true };
}

export const URGENCY_RANK: Record<string, number> = { flash: 3, 'top-urgent': 2, urgent: 1, normal: 0 };

export const isOverdue = (t: Pick<TaskEntity, 'state' | 'dueAt'>, now: Date): boolean =>
  t.state === 'open' && !!t.dueAt && t.dueAt.getTime() < now.getTime();

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The columns a TaskView is made of (a list reads only these). */
export const TASK_VIEW_COLUMNS = [
  'id',
  'name',
  'elementId',
  'processInstanceId',
  'processId',
  'processVersion',
  'businessKey',
  'assigneeId',
  'ownerId',
  'candidateGroups',
  'candidateUsers',
  'unitId',
  'dueAt',
  'followUpAt',
  'createdAt',
  'state',
  'urgency',
  'secrecy',
  'subject',
  'outcome',
  'claimedAt',
  'completedBy',
  'completedAt',
] satisfies (keyof TaskEntity & string)[];

export function toTaskView(t: Pick<TaskEntity, (typeof TASK_VIEW_COLUMNS)[number]>, now: Date): TaskView {
  return {
    id: t.id,
    name: t.name,
    elementId: t.elementId,
    processInstanceId: t.processInstanceId,
    processId: t.processId,
    processVersion: t.processVersion,
    businessKey: t.businessKey,
    assigneeId: t.assigneeId,
    ownerId: t.ownerId,
    candidateGroups: t.candidateGroups ?? [],
    candidateUsers: t.candidateUsers ?? [],
    unitId: t.unitId,
    dueAt: iso(t.dueAt),
    followUpAt: iso(t.followUpAt),
    createdAt: t.createdAt.toISOString(),
    state: t.state,
    overdue: isOverdue(t, now),
    urgency: t.urgency,
    secrecy: t.secrecy,
    subject: t.subject,
    outcome: t.outcome,
    claimedAt: iso(t.claimedAt),
    completedBy: t.completedBy,
    completedAt: iso(t.completedAt),
  };
}
