import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/common/clock.js';
import { NotificationsService } from '../../src/modules/notifications/index.js';
import { TaskDeadlineScheduler } from '../../src/modules/tasks/index.js';
import { smtpSink } from '../support/smtp-sink.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { feedTask, snvDemo, type Demo } from './tasks-helpers.js';

describe('notifications: task mail through a real SMTP server', () => {
  let t: TestApp;
  let d: Demo;
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  let mail: NotificationsService;
  const clock = new ManualClock(new Date('2026-11-25T02:00:00Z'));
  before(async () => {
    smtp = await smtpSink();
    process.env.PUBLIC_URL = 'https://hoso.example.vn'; // base of links in mails
    t = await startTestApp({ clock, env: { SMTP_URL: smtp.url } });
    d = await snvDemo(t);
    mail = t.app.get(NotificationsService, { strict: false });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });
  const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.text ?? '';

  it('given a task assigned to a person, a Vietnamese mail with the subject and link reaches the assignee', async () => {
    const id = await feedTask(t, {
      name: 'Xử lý văn bản đến',
      assignee: d.users['snv.cv'],
      dueAt: new Date('2026-11-30T10:00:00Z'),
      variables: { agencyId: d.agencyId, subject: 'Về việc tổ chức hội nghị tổng kết năm 2026', urgency: 'urgent' },
    });
    await mail.flush();
    const got = smtp.received.filter((m) => m.text?.includes(id));
    assert.equal(got.length, 1);
    assert.equal(to(got[0]), 'snv.cv@demo.hoso.local');
    assert.equal(
      got[0].subject,
      '[hoso] Công việc mới: Xử lý văn bản đến – Về việc tổ chức hội nghị tổng kết năm 2026',
    );
    assert.match(got[0].text!, /Hạn xử lý: 30\/11\/2026/);
    assert.match(got[0].text!, /Độ khẩn: Khẩn/);
    assert.ok(got[0].text!.includes(`https://hoso.example.vn/tasks/${id}`));
  });

  it('a secret task gets a mail with no subject and no content, only the link', async () => {
    const id = await feedTask(t, {
      name: 'Xử lý văn bản mật',
      assignee: d.users['snv.cv2'],
      variables: { agencyId: d.agencyId, subject: 'Kế hoạch bảo vệ bí mật nhà nước', secrecy: 'secret' },
    });
    await mail.flush();
    const got = smtp.received.filter((m) => m.text?.includes(id));
    assert.equal(got.length, 1);
    assert.equal(got[0].subject, '[hoso] Bạn có một công việc mới');
    assert.ok(!got[0].text!.includes('bí mật nhà nước'));
    assert.ok(!got[0].text!.includes('Xử lý văn bản mật'));
    const rows = await t.dataSource.query('SELECT data FROM notification');
    assert.ok(rows.every((r: { data: string }) => !r.data.includes('bí mật nhà nước')));
  });

  it('deadline approaching (24 h before) and overdue mails are sent once each', async () => {
    const id = await feedTask(t, {
      name: 'Báo cáo tháng',
      assignee: d.users['snv.tp'],
      dueAt: new Date('2026-11-26T01:00:00Z'), // 23 h from now
      variables: { agencyId: d.agencyId, subject: 'Báo cáo tình hình tháng 11' },
    });
    const scheduler = t.app.get(TaskDeadlineScheduler, { strict: false });
    await scheduler.runOnce();
    await scheduler.runOnce();
    await mail.flush();
    const soon = smtp.received.filter((m) => m.text?.includes(id) && m.subject?.startsWith('[hoso] Sắp đến hạn'));
    assert.equal(soon.length, 1);
    assert.match(soon[0].text!, /đến hạn xử lý vào 26\/11\/2026/);

    clock.advance(24 * 3600_000);
    await scheduler.runOnce();
    await scheduler.runOnce();
    await mail.flush();
    const late = smtp.received.filter((m) => m.text?.includes(id) && m.subject?.startsWith('[hoso] Quá hạn'));
    assert.equal(late.length, 1);
    assert.equal(late[0].subject, '[hoso] Quá hạn: Báo cáo tháng – Báo cáo tình hình tháng 11');
    const counts = await t.request('GET', '/api/tasks/counts', { as: 'snv.tp' });
    assert.equal(counts.body.overdue, 1);
  });

  it('a refused delivery stays queued and is retried with backoff, never lost or duplicated', async () => {
    smtp.refuseNext(1);
    const before = smtp.received.length;
    const id = await feedTask(t, {
      name: 'Thẩm định hồ sơ',
      assignee: d.users['snv.giamdoc'],
      variables: { agencyId: d.agencyId, subject: 'Hồ sơ bổ nhiệm' },
    });
    await mail.flush();
    assert.equal(smtp.received.length, before);
    const [row] = await t.dataSource.query('SELECT state, attempts FROM notification WHERE data LIKE ?', [`%${id}%`]);
    assert.equal(row.state, 'pending');
    assert.equal(Number(row.attempts), 1);
    await mail.flush(); // not due yet: backoff
    assert.equal(smtp.received.length, before);
    clock.advance(60_000);
    await mail.flush();
    assert.equal(smtp.received.filter((m) => m.text?.includes(id)).length, 1);
    await mail.flush();
    assert.equal(smtp.received.filter((m) => m.text?.includes(id)).length, 1);
  });
});
