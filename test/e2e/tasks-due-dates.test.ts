import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addWorkingDays } from '../../src/common/business-time.js';
import { ManualClock } from '../../src/common/clock.js';
import { WorkflowEngine } from '../../src/modules/workflow/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { snvDemo, type Demo } from './tasks-helpers.js';

const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'tasks-fixtures', 'tasks-due-dates.bpmn');

/** zeebe:taskSchedule dueDate from real BPMN reaches the inbox in working days (Decree 30/2020 deadlines). */
describe('tasks: due dates of user tasks from BPMN count Vietnamese working days', () => {
  let t: TestApp;
  let d: Demo;
  let engine: WorkflowEngine;
  // Friday 27 Nov 2026, 09:00 in Hà Nội: three working days end on Wednesday, the weekend is skipped
  const clock = new ManualClock(new Date('2026-11-27T02:00:00Z'));

  before(async () => {
    t = await startTestApp({ clock });
    d = await snvDemo(t);
    engine = t.app.get(WorkflowEngine, { strict: false });
    await engine.deploy(readFileSync(FIXTURE, 'utf8'));
  });
  after(() => t.close());

  async function dueOfTask(variables: Record<string, unknown>): Promise<string | null> {
    const { id } = await engine.start({
      processId: 'tasks-due-dates',
      variables: { agencyId: d.agencyId, assignee: d.users['snv.cv'], ...variables },
    });
    await engine.idle();
    const mine = await t.request('GET', '/api/tasks?scope=mine&state=open', { as: 'snv.cv' });
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    const task = (mine.body.items ?? mine.body).find((x: { processInstanceId: string }) => x.processInstanceId === id);
    assert.ok(task, 'the inbox has the task');
    return task.dueAt;
  }

  it('given dueDate =duration("P3D") on a Friday, the task is due at 17:00 on the third working day', async () => {
    const expected = addWorkingDays(clock.now(), 3, t.config.timezone, t.config.publicHolidays);
    assert.equal(await dueOfTask({ kind: 'static' }), expected.toISOString());
    assert.equal(expected.toISOString(), '2026-12-02T10:00:00.000Z'); // Wednesday 17:00 (UTC+7)
  });

  it('an evaluated duration counts working days too', async () => {
    const expected = addWorkingDays(clock.now(), 3, t.config.timezone, t.config.publicHolidays);
    assert.equal(await dueOfTask({ kind: 'evaluated', due: 'P3D' }), expected.toISOString());
  });

  it('a bare date means 17:00 local time that day; a full timestamp is kept', async () => {
    assert.equal(await dueOfTask({ kind: 'evaluated', due: '2026-12-01' }), '2026-12-01T10:00:00.000Z');
    assert.equal(await dueOfTask({ kind: 'evaluated', due: '2026-12-03T08:30:00Z' }), '2026-12-03T08:30:00.000Z');
  });
});
