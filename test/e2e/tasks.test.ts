import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/common/clock.js';
import { DomainError } from '../../src/common/domain-error.js';
import { FormRegistry, TaskCompletionHooks } from '../../src/modules/tasks/index.js';
import { EngineScheduler, WorkflowEngine } from '../../src/modules/workflow/index.js';
import { NotificationsService } from '../../src/modules/notifications/index.js';
import { isMysql, startTestApp, type TestApp } from '../support/test-app.js';
import { snvDemo, type Demo } from './tasks-helpers.js';

const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'tasks-fixtures', 'tasks-fixture.bpmn');
const PIN = '246813';
const label = (vi: string, en: string) => ({ vi, en });

describe('tasks on the embedded engine: inbox, forms, completion, hooks', () => {
  let t: TestApp;
  let d: Demo;
  let engine: WorkflowEngine;
  const captured: Record<string, unknown>[] = [];
  const clock = new ManualClock(new Date('2026-11-25T02:00:00Z'));

  before(async () => {
    t = await startTestApp({ clock });
    d = await snvDemo(t);
    engine = t.app.get(WorkflowEngine, { strict: false });
    const forms = t.app.get(FormRegistry, { strict: false });
    forms.register({
      id: 'tasks-test-decision',
      title: label('Duyệt dự thảo', 'Review the draft'),
      fields: [
        {
          key: 'decision',
          label: label('Quyết định', 'Decision'),
          type: 'select',
          required: true,
          options: [
            { value: 'approve', label: label('Đồng ý', 'Approve') },
            { value: 'return', label: label('Trả lại', 'Return') },
          ],
        },
        { key: 'comment', label: label('Ý kiến', 'Comment'), type: 'textarea' },
      ],
    });
    forms.register({
      id: 'tasks-test-sign',
      title: label('Ký số', 'Sign'),
      fields: [{ key: 'pin', label: label('Mã PIN', 'PIN'), type: 'pin', required: true }],
    });
    t.app.get(TaskCompletionHooks, { strict: false }).register('tasks-test-sign', async ({ variables }) => {
      if (variables.pin !== PIN) throw new DomainError('TEST_BAD_PIN', 'unprocessable');
      return { ...variables, signed: true }; // even if a hook passes the PIN on, it never reaches the engine
    });
    engine.registerWorker('tasks-test.capture', async (job) => {
      captured.push(job.variables);
    });
    await engine.deploy(readFileSync(FIXTURE, 'utf8'));
  });
  after(() => t.close());

  async function start(variables: Record<string, unknown>): Promise<string> {
    const { id } = await engine.start({
      processId: 'tasks-fixture',
      variables: {
        agencyId: d.agencyId,
        assignee: null,
        groups: [],
        users: [],
        due: '2026-12-31T10:00:00Z',
        ...variables,
      },
    });
    await engine.idle();
    return id;
  }
  async function openTask(instanceId: string): Promise<string> {
    const rows = await t.dataSource.query("SELECT id FROM task WHERE process_instance_id = ? AND state = 'open'", [
      instanceId,
    ]);
    assert.equal(rows.length, 1, 'one open task');
    return rows[0].id;
  }

  it('given a decision task for TCCB staff, the candidate sees it with its form and due date', async () => {
    const instance = await start({
      kind: 'decision',
      groups: [`staff@${d.units.TCCB}`],
      due: '2026-11-27T10:00:00Z',
      subject: 'Dự thảo quyết định khen thưởng',
      urgency: 'top-urgent',
    });
    const id = await openTask(instance);
    const group = await t.request('GET', '/api/tasks?scope=group', { as: 'snv.cv' });
    const item = group.body.find((x: { id: string }) => x.id === id);
    assert.deepEqual(
      { ...item, createdAt: undefined },
      {
        ...item,
        createdAt: undefined,
        name: 'Duyệt dự thảo',
        elementId: 'approve',
        processInstanceId: instance,
        processId: 'tasks-fixture',
        assigneeId: null,
        candidateGroups: [`staff@${d.units.TCCB}`],
        dueAt: '2026-11-27T10:00:00.000Z',
        state: 'open',
        overdue: false,
        urgency: 'top-urgent',
        subject: 'Dự thảo quyết định khen thưởng',
      },
    );
    const vi = await t.request('GET', `/api/tasks/${id}`, { as: 'snv.cv' });
    assert.equal(vi.body.form.fields[0].label, 'Quyết định');
    assert.deepEqual(vi.body.form.fields[0].options, [
      { value: 'approve', label: 'Đồng ý' },
      { value: 'return', label: 'Trả lại' },
    ]);
    const en = await t.request('GET', `/api/tasks/${id}`, { as: 'snv.cv', headers: { 'accept-language': 'en' } });
    assert.equal(en.body.form.fields[0].label, 'Decision');
    assert.equal((await t.request('GET', `/api/tasks/${id}`, { as: 'snv.cv2' })).status, 404);
  });

  it('completion is validated against the form; 400 names the field; the decision reaches the engine', async () => {
    const instance = await start({ kind: 'decision', groups: [`staff@${d.units.TCCB}`] });
    const id = await openTask(instance);
    const complete = (as: string, variables: unknown) =>
      t.request('POST', `/api/tasks/${id}/complete`, { as, body: { variables } });
    // the engine is rebuilt ahead of the transaction only for a task of the completer's agency
    const prepared: string[] = [];
    const prepare = engine.prepareUserTask.bind(engine);
    engine.prepareUserTask = (key: string) => {
      prepared.push(key);
      return prepare(key);
    };
    assert.equal((await complete('thachkim.vanthu', { decision: 'approve' })).status, 404);
    assert.equal(prepared.length, 0, 'a completion from another agency rebuilt an engine');
    assert.equal((await complete('snv.cv2', { decision: 'approve' })).status, 404);
    const cases: [unknown, string, string][] = [
      [{}, 'TASK_FIELD_REQUIRED', 'decision'],
      [{ decision: 'maybe' }, 'TASK_OPTION_INVALID', 'decision'],
      [{ decision: 'approve', extra: 1 }, 'TASK_FIELD_UNKNOWN', 'extra'],
      [{ decision: 'approve', comment: 5 }, 'TASK_FIELD_INVALID', 'comment'],
    ];
    for (const [variables, code, field] of cases) {
      const res = await complete('snv.cv', variables);
      assert.equal(res.status, 400, JSON.stringify(variables));
      assert.equal(res.body.code, code);
      assert.equal(res.body.field, field);
      assert.ok(res.body.message.includes(field));
    }
    const ok = await complete('snv.cv', { decision: 'return', comment: 'Đề nghị sửa điều 2' });
    engine.prepareUserTask = prepare;
    assert.equal(ok.status, 200);
    assert.ok(prepared.length >= 1, 'control: the completions of its own agency were prepared');
    assert.equal(ok.body.state, 'done');
    assert.equal(ok.body.outcome, 'return');
    await engine.idle();
    const seen = captured.at(-1)!;
    assert.equal(seen.decision, 'return');
    assert.equal(seen.comment, 'Đề nghị sửa điều 2');
    assert.equal((await complete('snv.cv', { decision: 'approve' })).status, 409);
    const done = await t.request('GET', '/api/tasks?scope=mine&state=done', { as: 'snv.cv' });
    assert.ok(done.body.some((x: { id: string }) => x.id === id));
    const history = await t.request('GET', `/api/tasks/${id}/history`, { as: 'snv.cv' });
    assert.deepEqual(
      history.body.map((e: { type: string }) => e.type),
      ['created', 'completed'],
    );
    assert.equal(history.body[1].data.outcome, 'return');
  });

  it('completing the same task twice at once: one completion, the engine signalled once', async () => {
    const instance = await start({ kind: 'work', assignee: d.users['snv.cv'] });
    const id = await openTask(instance);
    const before = captured.length;
    const results = await Promise.all(
      [1, 2].map(() =>
        t.request('POST', `/api/tasks/${id}/complete`, { as: 'snv.cv', body: { variables: { comment: 'xong' } } }),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    await engine.idle();
    assert.equal(captured.length, before + 1);
  });

  it('a hook refusing leaves the task open; the PIN is never stored nor passed to the engine', async () => {
    const instance = await start({ kind: 'sign', assignee: d.users['snv.giamdoc'] });
    const id = await openTask(instance);
    const wrong = await t.request('POST', `/api/tasks/${id}/complete`, {
      as: 'snv.giamdoc',
      body: { variables: { pin: '000000' } },
    });
    assert.equal(wrong.status, 422);
    assert.equal((await t.request('GET', `/api/tasks/${id}`, { as: 'snv.giamdoc' })).body.state, 'open');
    const ok = await t.request('POST', `/api/tasks/${id}/complete`, {
      as: 'snv.giamdoc',
      body: { variables: { pin: PIN } },
    });
    assert.equal(ok.status, 200);
    await engine.idle();
    const seen = captured.at(-1)!;
    assert.equal(seen.signed, true);
    assert.equal('pin' in seen, false);
    // nowhere in the database: tasks, history, audit, outbox, engine state and variables
    const tables: string[] = isMysql
      ? (
          await t.dataSource.query(
            'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
          )
        ).map((r: { name: string }) => r.name)
      : (await t.dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table'")).map(
          (r: { name: string }) => r.name,
        );
    for (const table of tables) {
      const rows = await t.dataSource.query(`SELECT * FROM ${isMysql ? `\`${table}\`` : `"${table}"`}`);
      assert.ok(!JSON.stringify(rows).includes(PIN), `PIN found in ${table}`);
    }
  });

  it('a task without a form gets the default form with an optional comment', async () => {
    const instance = await start({ kind: 'work', assignee: d.users['snv.cv'] });
    const id = await openTask(instance);
    const task = await t.request('GET', `/api/tasks/${id}`, { as: 'snv.cv' });
    assert.deepEqual(task.body.form.fields, [{ key: 'comment', label: 'Ý kiến', type: 'textarea', required: false }]);
    const mine = await t.request('GET', '/api/tasks/counts', { as: 'snv.cv' });
    assert.ok(mine.body.mine >= 1);
    const res = await t.request('POST', `/api/tasks/${id}/complete`, { as: 'snv.cv', body: { variables: {} } });
    assert.equal(res.status, 200);
    await engine.idle();
    assert.equal((await t.request('GET', `/api/tasks/${id}`, { as: 'snv.cv' })).body.state, 'done');
  });

  it('a reminder timer on the task mails the assignee; an interrupting timer cancels the task', async () => {
    const instance = await start({ kind: 'timed', assignee: d.users['snv.cv'], subject: 'Báo cáo nhanh' });
    const id = await openTask(instance);
    const scheduler = t.app.get(EngineScheduler, { strict: false });
    clock.advance(90 * 60_000); // the 1 h reminder fires, the task stays open
    await scheduler.runDue();
    await engine.idle();
    assert.equal((await t.request('GET', `/api/tasks/${id}`, { as: 'snv.cv' })).body.state, 'open');
    const queued = await t.app.get(NotificationsService, { strict: false }).listFor(d.users['snv.cv']);
    assert.ok(queued.some((n) => n.template === 'deadline-approaching' && JSON.stringify(n.data).includes(id)));
    clock.advance(2 * 3600_000); // the 3 h deadline interrupts it
    await scheduler.runDue();
    await engine.idle();
    const task = await t.request('GET', `/api/tasks/${id}`, { as: 'snv.cv' });
    assert.equal(task.body.state, 'cancelled');
    assert.equal(task.body.canComplete, false);
    const history = await t.request('GET', `/api/tasks/${id}/history`, { as: 'snv.cv' });
    assert.deepEqual(
      history.body.map((e: { type: string }) => e.type),
      ['created', 'cancelled'],
    );
    // the engine reports why: interrupted by the boundary timer, even though the instance ends in the same step
    assert.equal(history.body[1].data.reason, 'interrupted');
    const late = await t.request('POST', `/api/tasks/${id}/complete`, { as: 'snv.cv', body: { variables: {} } });
    assert.equal(late.status, 409);
    assert.equal(
      (await t.request('GET', '/api/tasks?scope=mine', { as: 'snv.cv' })).body.some((x: { id: string }) => x.id === id),
      false,
    );
  });
});
