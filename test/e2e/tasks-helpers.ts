import { randomUUID } from 'node:crypto';
import { TransactionService } from '../../src/database/transaction.service.js';
import { TaskListenerService } from '../../src/modules/tasks/index.js';
import type { TestApp } from '../support/test-app.js';

export interface Demo {
  agencyId: string;
  units: Record<string, string>;
  users: Record<string, string>;
}

/** Ids of Sở Nội vụ (SNV), its units and users, read through the API. */
export async function snvDemo(t: TestApp): Promise<Demo> {
  const me = (await t.request('GET', '/api/auth/me', { as: 'snv.giamdoc' })).body;
  const users = (await t.request('GET', '/api/users', { as: 'snv.giamdoc' })).body as {
    id: string;
    username: string;
  }[];
  const units = (await t.request('GET', `/api/agencies/${me.agencyId}/units`, { as: 'snv.giamdoc' })).body as {
    id: string;
    abbreviation: string;
  }[];
  return {
    agencyId: me.agencyId,
    units: Object.fromEntries(units.map((u) => [u.abbreviation, u.id])),
    users: Object.fromEntries(users.map((u) => [u.username, u.id])),
  };
}

export interface FedTask {
  name?: string;
  assignee?: string | null;
  candidateGroups?: string[];
  candidateUsers?: string[];
  dueAt?: Date | null;
  dueDate?: string;
  formId?: string | null;
  variables?: Record<string, unknown>;
}

/**
 * Delivers a user task to the inbox exactly as the engine does: UserTaskListener.created inside a transaction.
 * Used where a test needs precise control (due dates, urgency) and no completion; completion tests go through
 * the real engine with test/tasks-fixtures/tasks-fixture.bpmn.
 */
export async function feedTask(t: TestApp, f: FedTask): Promise<string> {
  const listener = t.app.get(TaskListenerService, { strict: false });
  const tx = t.app.get(TransactionService, { strict: false });
  const key = randomUUID();
  await tx.run((m) =>
    listener.created(
      Object.assign(
        {
          key,
          processInstanceId: randomUUID(),
          processId: 'manual-test',
          processVersion: 1,
          businessKey: null,
          elementId: 'work',
          name: f.name ?? 'Xử lý công việc',
          assignee: f.assignee ?? null,
          candidateGroups: f.candidateGroups ?? [],
          candidateUsers: f.candidateUsers ?? [],
          dueAt: f.dueAt ?? null,
          followUpAt: null,
          formId: f.formId ?? null,
          variables: f.variables ?? {},
          headers: {},
          createdAt: new Date(0),
        },
        f.dueDate ? { dueDate: f.dueDate } : {},
      ),
      m,
    ),
  );
  const rows = await t.dataSource.query('SELECT id FROM task WHERE engine_key = ?', [key]);
  return rows[0].id as string;
}
