import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/common/clock.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { feedTask, snvDemo, type Demo } from './tasks-helpers.js';

describe('tasks: visibility, claiming, reassignment, comments, attachments, board', () => {
  let t: TestApp;
  let d: Demo;
  // Wednesday 25 November 2026, 09:00 in Hà Nội
  const clock = new ManualClock(new Date('2026-11-25T02:00:00Z'));
  before(async () => {
    t = await startTestApp({ clock });
    d = await snvDemo(t);
  });
  after(() => t.close());

  it('given a group task of TCCB staff, only candidates and leaders over TCCB see it; others get 404', async () => {
    const id = await feedTask(t, {
      candidateGroups: [`staff@${d.units.TCCB}`],
      variables: { agencyId: d.agencyId, subject: 'Về việc tuyển dụng công chức' },
    });
    const group = await t.request('GET', '/api/tasks?scope=group', { as: 'snv.cv' });
    assert.equal(group.status, 200);
    assert.deepEqual(
      group.body.map((x: { id: string }) => x.id),
      [id],
    );
    assert.equal(group.body[0].subject, 'Về việc tuyển dụng công chức');
    assert.equal((await t.request('GET', `/api/tasks/${id}`, { as: 'snv.cv' })).status, 200);
    assert.equal((await t.request('GET', `/api/tasks/${id}`, { as: 'snv.tp' })).status, 200); // unit head of TCCB
    assert.equal((await t.request('GET', `/api/tasks/${id}`, { as: 'snv.giamdoc' })).status, 200);
    assert.equal((await t.request('GET', `/api/tasks/${id}`, { as: 'snv.cv2' })).status, 404); // staff of VP
    assert.equal((await t.request('GET', `/api/tasks/${id}`, { as: 'cv.vp' })).status, 404); // other agency
    assert.equal((await t.request('POST', `/api/tasks/${id}/claim`, { as: 'snv.cv2' })).status, 404);
    assert.equal((await t.request('GET', '/api/tasks?scope=group', { as: 'snv.cv2' })).body.length, 0);
    const counts = await t.request('GET', '/api/tasks/counts', { as: 'snv.cv' });
    assert.deepEqual(counts.body, { mine: 0, group: 1, overdue: 0 });
  });

  it('claim: the first candidate gets it, a second gets 409; unclaim gives it back', async () => {
    const id = await feedTask(t, { candidateGroups: ['staff'], variables: { agencyId: d.agencyId } });
    const first = await t.request('POST', `/api/tasks/${id}/claim`, { as: 'snv.cv' });
    assert.equal(first.status, 200);
    assert.equal(first.body.assigneeId, d.users['snv.cv']);
    const second = await t.request('POST', `/api/tasks/${id}/claim`, { as: 'snv.cv2' });
    assert.equal(second.status, 409);
    assert.equal(second.body.code, 'TASK_CLAIMED_BY_OTHER');
    assert.match(second.body.message, /đang do .+ xử lý/);
    assert.equal((await t.request('POST', `/api/tasks/${id}/unclaim`, { as: 'snv.cv2' })).status, 403);
    assert.equal((await t.request('POST', `/api/tasks/${id}/unclaim`, { as: 'snv.cv' })).status, 200);
    assert.equal((await t.request('POST', `/api/tasks/${id}/claim`, { as: 'snv.cv2' })).status, 200);
    const history = await t.request('GET', `/api/tasks/${id}/history`, { as: 'snv.cv2' });
    assert.deepEqual(
      history.body.map((e: { type: string }) => e.type),
      ['created', 'claimed', 'unclaimed', 'claimed'],
    );
  });

  it('two candidates claiming at the same moment: exactly one gets it', async () => {
    const id = await feedTask(t, { candidateGroups: ['staff'], variables: { agencyId: d.agencyId } });
    const [a, b] = await Promise.all([
      t.request('POST', `/api/tasks/${id}/claim`, { as: 'snv.cv' }),
      t.request('POST', `/api/tasks/${id}/claim`, { as: 'snv.cv2' }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    const history = await t.request('GET', `/api/tasks/${id}/history`, { as: 'snv.giamdoc' });
    assert.equal(history.body.filter((e: { type: string }) => e.type === 'claimed').length, 1);
  });

  it('the inbox sorts by urgency (flash > top-urgent > urgent > normal), then due date', async () => {
    const me = d.users['snv.cv2'];
    const base = { assignee: me, variables: { agencyId: d.agencyId } };
    const normalLate = await feedTask(t, { ...base, name: 'n-early', dueAt: new Date('2026-11-26T10:00:00Z') });
    const normalNoDue = await feedTask(t, { ...base, name: 'n-none' });
    const urgent = await feedTask(t, { ...base, name: 'u', variables: { ...base.variables, urgency: 'urgent' } });
    const flash = await feedTask(t, { ...base, name: 'f', variables: { ...base.variables, urgency: 'flash' } });
    const normalSoon = await feedTask(t, { ...base, name: 'n-soon', dueAt: new Date('2026-11-25T09:00:00Z') });
    const top = await feedTask(t, { ...base, name: 't', variables: { ...base.variables, urgency: 'top-urgent' } });
    const list = (await t.request('GET', '/api/tasks?scope=mine', { as: 'snv.cv2' })).body as { id: string }[];
    const order = [flash, top, urgent, normalSoon, normalLate, normalNoDue];
    assert.deepEqual(
      list.map((x) => x.id).filter((x) => order.includes(x)),
      order,
    );
  });

  it('reassign and delegate: unit heads within their unit, leaders within the agency; staff cannot', async () => {
    const id = await feedTask(t, {
      assignee: d.users['snv.tp'],
      candidateGroups: [`staff@${d.units.TCCB}`],
      variables: { agencyId: d.agencyId },
    });
    const outside = await t.request('POST', `/api/tasks/${id}/reassign`, {
      as: 'snv.tp',
      body: { userId: d.users['snv.cv2'] }, // staff of VP: not the head's unit
    });
    assert.equal(outside.status, 400);
    assert.equal(outside.body.code, 'TASK_REASSIGN_OUT_OF_SCOPE');
    const inside = await t.request('POST', `/api/tasks/${id}/reassign`, {
      as: 'snv.tp',
      body: { userId: d.users['snv.cv'] },
    });
    assert.equal(inside.status, 200);
    assert.equal(inside.body.assigneeId, d.users['snv.cv']);
    assert.equal(
      (await t.request('POST', `/api/tasks/${id}/reassign`, { as: 'snv.cv', body: { userId: d.users['snv.cv2'] } }))
        .status,
      403,
    );
    const other = await t.request('POST', `/api/tasks/${id}/reassign`, {
      as: 'chutich',
      body: { userId: d.users['snv.cv2'] },
    });
    assert.equal(other.status, 404);
    const delegated = await t.request('POST', `/api/tasks/${id}/delegate`, {
      as: 'snv.giamdoc',
      body: { userId: d.users['snv.cv2'] },
    });
    assert.equal(delegated.status, 200);
    assert.equal(delegated.body.ownerId, d.users['snv.cv']);
    const history = (await t.request('GET', `/api/tasks/${id}/history`, { as: 'snv.cv2' })).body;
    assert.deepEqual(
      history.map((e: { type: string }) => e.type),
      ['created', 'reassigned', 'delegated'],
    );
    assert.equal(history[1].data.toUserId, d.users['snv.cv']);
    const audit = await t.dataSource.query(
      "SELECT action FROM audit_event WHERE entity_type = 'task' AND entity_id = ? ORDER BY id",
      [id],
    );
    assert.deepEqual(
      audit.map((a: { action: string }) => a.action),
      ['task.created', 'task.reassigned', 'task.delegated'],
    );
  });

  it('comments and attachments: stored, listed, downloaded; strangers get 404', async () => {
    const id = await feedTask(t, { assignee: d.users['snv.cv'], variables: { agencyId: d.agencyId } });
    const c = await t.request('POST', `/api/tasks/${id}/comments`, {
      as: 'snv.cv',
      body: { text: 'Đề nghị bổ sung hồ sơ' },
    });
    assert.equal(c.status, 201);
    assert.equal((await t.request('POST', `/api/tasks/${id}/comments`, { as: 'snv.cv', body: {} })).status, 400);
    const list = await t.request('GET', `/api/tasks/${id}/comments`, { as: 'snv.giamdoc' });
    assert.equal(list.body[0].text, 'Đề nghị bổ sung hồ sơ');
    assert.equal(list.body[0].authorId, d.users['snv.cv']);
    assert.equal((await t.request('GET', `/api/tasks/${id}/comments`, { as: 'snv.cv2' })).status, 404);

    const form = new FormData();
    const content = Buffer.from('%PDF-1.4 tờ trình');
    form.append('file', new Blob([content], { type: 'application/pdf' }), 'Tờ trình số 1.pdf');
    const up = await fetch(`${t.url}/api/tasks/${id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('snv.cv')}` },
      body: form,
    });
    assert.equal(up.status, 201);
    const att = (await up.json()) as { id: string; fileName: string; size: number };
    assert.equal(att.fileName, 'Tờ trình số 1.pdf');
    const down = await fetch(`${t.url}/api/tasks/${id}/attachments/${att.id}`, {
      headers: { authorization: `Bearer ${await t.token('snv.giamdoc')}` },
    });
    assert.equal(down.status, 200);
    assert.deepEqual(Buffer.from(await down.arrayBuffer()), content);
    const stranger = await fetch(`${t.url}/api/tasks/${id}/attachments/${att.id}`, {
      headers: { authorization: `Bearer ${await t.token('cv.vp')}` },
    });
    assert.equal(stranger.status, 404);
    const types = (await t.request('GET', `/api/tasks/${id}/history`, { as: 'snv.cv' })).body.map(
      (e: { type: string }) => e.type,
    );
    assert.deepEqual(types, ['created', 'commented', 'attached']);
  });

  it('the board counts open work by person and unit as on time / due soon / late', async () => {
    // given: in TCCB one late, one due within 2 working days, one on time; in VP one on time
    const tccb = { agencyId: d.agencyId };
    const late = await feedTask(t, {
      name: 'late',
      assignee: d.users['snv.cv'],
      dueAt: new Date('2026-11-24T10:00:00Z'),
      variables: tccb,
    });
    await feedTask(t, { name: 'soon', assignee: d.users['snv.cv'], dueDate: 'P1D', variables: tccb });
    await feedTask(t, { name: 'later', assignee: d.users['snv.cv'], dueDate: 'P10D', variables: tccb });
    await feedTask(t, { name: 'vp', assignee: d.users['snv.cv2'], dueDate: 'P10D', variables: tccb });

    const board = await t.request('GET', '/api/tasks/board', { as: 'snv.giamdoc' });
    assert.equal(board.status, 200);
    const cv = board.body.byPerson.find((p: { userId: string }) => p.userId === d.users['snv.cv']);
    assert.ok(cv.late >= 1 && cv.dueSoon >= 1 && cv.onTime >= 1);
    assert.equal(board.body.tasks.find((x: { id: string }) => x.id === late).status, 'late');
    const unit = board.body.byUnit.find((u: { unitId: string }) => u.unitId === d.units.TCCB);
    assert.equal(unit.name, 'Phòng Tổ chức cán bộ');

    const head = await t.request('GET', '/api/tasks/board', { as: 'snv.tp' });
    assert.equal(head.status, 200);
    assert.ok(head.body.tasks.length > 0);
    assert.ok(head.body.tasks.every((x: { unitId: string }) => x.unitId === d.units.TCCB));
    const filtered = await t.request('GET', `/api/tasks/board?unitId=${d.units.VP}`, { as: 'snv.giamdoc' });
    assert.ok(filtered.body.tasks.every((x: { unitId: string }) => x.unitId === d.units.VP));
    assert.ok(filtered.body.tasks.some((x: { name: string }) => x.name === 'vp'));
    assert.equal((await t.request('GET', '/api/tasks/board', { as: 'snv.cv' })).status, 403);
    assert.equal((await t.request('GET', '/api/tasks/board?from=25-11-2026', { as: 'snv.tp' })).status, 400);

    // the "all" scope follows the same leadership rules
    assert.equal((await t.request('GET', '/api/tasks?scope=all', { as: 'snv.cv' })).status, 403);
    const all = await t.request('GET', '/api/tasks?scope=all', { as: 'snv.tp' });
    assert.ok(all.body.every((x: { unitId: string }) => x.unitId === d.units.TCCB));
    const overdue = (await t.request('GET', '/api/tasks?scope=mine', { as: 'snv.cv' })).body.find(
      (x: { id: string }) => x.id === late,
    );
    assert.equal(overdue.overdue, true);
  });
});
