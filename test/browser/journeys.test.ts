import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ManualClock } from '../../src/common/clock.js';
import {
  completeTask,
  createIncoming,
  createOutgoing,
  documentStatus,
  findTask,
  outgoingAwaitingSignature,
  samplePdf,
  userId,
} from './flows.js';
import { go, hasRoute, launch, login, openTab, shot, skipNoChromium, type Tab } from './support.js';

const DOCS_IMAGES = join(process.cwd(), 'docs', 'images');

/** Opens a task from the inbox the way a user does: scope tab, then the task's link. */
async function openFromInbox(tab: Tab, scope: 'Của tôi' | 'Của nhóm', taskName: string | RegExp, subject: string) {
  const { page } = tab;
  await go(tab, '/');
  await page.getByRole('button', { name: scope }).click();
  const row = page.locator('[data-testid=inbox] tbody tr').filter({ hasText: subject });
  await row.getByRole('link', { name: taskName }).click();
  await page.getByRole('heading', { name: taskName }).waitFor();
}

async function claimIfNeeded(tab: Tab) {
  const claim = tab.page.getByRole('button', { name: 'Nhận việc' });
  if (await claim.isVisible()) {
    await claim.click();
    await tab.page.getByTestId('task-form').waitFor();
  }
}

describe('journeys per role (acceptance of issue 7)', { skip: skipNoChromium }, () => {
  let app: TestApp;
  let browser: Browser;
  const clock = new ManualClock(new Date());
  let missing: string[] = [];
  before(async () => {
    app = await startTestApp({ clock });
    browser = await launch();
    const needed = ['/api/documents', '/api/tasks'];
    missing = [];
    for (const p of needed) if (!(await hasRoute(app, p))) missing.push(p);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });
  const needsApis = (t: { skip: (m: string) => void }) => {
    if (missing.length) t.skip(`API not available yet: ${missing.join(', ')}`);
    return missing.length > 0;
  };

  it('staff drafts an outgoing document and sends it for review', async (t) => {
    if (needsApis(t)) return;
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'cv.vp');
    await page.getByRole('link', { name: 'Soạn văn bản đi' }).click();
    await page.locator('#subject').fill('Về việc tổ chức hội nghị tổng kết năm 2026');
    await page.locator('#body').fill('Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác năm 2026.');
    await page.locator('#signerId').selectOption(await userId(app, 'chutich'));
    await page.getByRole('button', { name: 'Tạo dự thảo và trình' }).click();
    await page.getByRole('heading', { name: 'Về việc tổ chức hội nghị tổng kết năm 2026' }).waitFor();
    const id = page.url().split('/').pop()!;
    await openFromInbox(tab, 'Của tôi', 'Soạn dự thảo', 'Về việc tổ chức hội nghị');
    await page.locator('#f-comment').fill('Kính trình anh Trưởng phòng xem xét.');
    await page.getByRole('button', { name: 'Hoàn thành' }).click();
    await page.getByRole('heading', { name: 'Công việc của tôi' }).waitFor();
    await documentStatus(app, 'cv.vp', id, 'reviewing');
    await findTask(app, 'tp.vp', id, 'review');
    await shot(tab, 'staff-inbox');
    // the search box finds it without diacritics
    await page.locator('#global-search').fill('hoi nghi tong ket');
    await page.locator('#global-search').press('Enter');
    await page
      .getByTestId('documents')
      .getByRole('link', { name: /tổ chức hội nghị tổng kết/ })
      .waitFor();
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('a leader directs an incoming document', async (t) => {
    if (needsApis(t)) return;
    const doc = await createIncoming(app, 'vanthu', 'Đề nghị báo cáo tình hình thực hiện kế hoạch');
    await completeTask(app, 'vanthu', doc.id, 'register');
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'chutich');
    await openFromInbox(tab, 'Của nhóm', 'Lãnh đạo cho ý kiến chỉ đạo', 'Đề nghị báo cáo tình hình');
    await claimIfNeeded(tab);
    await page.locator('#f-mainHandlerId').selectOption(await userId(app, 'cv.vp'));
    await page.locator('#f-coHandlerIds').selectOption([await userId(app, 'tp.vp')]);
    await page.locator('#f-dueDate').fill('31/12/2026');
    await page.locator('#f-instruction').fill('Giao Văn phòng chủ trì, báo cáo trước ngày 31/12.');
    await shot(tab, 'leader-direction');
    await page.getByRole('button', { name: 'Hoàn thành' }).click();
    await page.getByRole('heading', { name: 'Công việc của tôi' }).waitFor();
    await findTask(app, 'cv.vp', doc.id, 'handle');
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('a leader signs an outgoing document with the PIN, seeing the PDF', async (t) => {
    if (needsApis(t)) return;
    const doc = await outgoingAwaitingSignature(app, 'Kế hoạch chuyển đổi số năm 2027');
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'chutich');
    await openFromInbox(tab, 'Của tôi', 'Ký số văn bản', 'Kế hoạch chuyển đổi số');
    await page.getByTestId('pdf-frame').waitFor();
    // the frame opens the PDF with a download ticket, never the session token (issue 22, item 8)
    const src = (await page.getByTestId('pdf-frame').getAttribute('src')) ?? '';
    assert.match(src, /\/pdf\?ticket=/);
    assert.ok(!src.includes('access_token'));
    await page.getByTestId('reviewed-draft').waitFor();
    await page.locator('input[name=decision][value=approve]').check();
    await page.locator('#f-pin').fill('hoso-demo');
    await shot(tab, 'leader-sign');
    await page.getByRole('button', { name: 'Hoàn thành' }).click();
    await page.getByRole('heading', { name: 'Công việc của tôi' }).waitFor();
    await documentStatus(app, 'chutich', doc.id, 'issuing');
    const sigs = await app.request('GET', `/api/documents/${doc.id}/signatures`, { as: 'chutich' });
    assert.equal(sigs.body.length, 1);
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('a clerk registers an incoming PDF (upload with progress) and issues a signed outgoing document', async (t) => {
    if (needsApis(t)) return;
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'vanthu');
    await page.getByRole('link', { name: 'Tiếp nhận văn bản đến' }).click();
    // the scanned PDF is dropped onto the drop zone (a DataTransfer carrying the file, as a real drop does)
    const b64 = (await samplePdf()).toString('base64');
    const dataTransfer = await page.evaluateHandle(`(() => {
      const bytes = Uint8Array.from(atob('${b64}'), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'cong-van-den.pdf', { type: 'application/pdf' }));
      return dt;
    })()`);
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
    await page.getByTestId('dropzone').getByText('cong-van-den.pdf').waitFor();
    await page.locator('#senderName').fill('Bộ Nội vụ');
    await page.locator('#originalNumber').fill('4521/BNV-VP');
    await page.locator('#originalDate').fill('18/11/2026');
    await page.locator('#subject').fill('Hướng dẫn lập hồ sơ điện tử năm 2027');
    await page.getByRole('button', { name: 'Tiếp nhận văn bản' }).click();
    await page.getByRole('heading', { name: 'Hướng dẫn lập hồ sơ điện tử năm 2027' }).waitFor();
    const incomingId = page.url().split('/').pop()!;
    await openFromInbox(tab, 'Của nhóm', 'Văn thư kiểm tra và vào sổ', 'Hướng dẫn lập hồ sơ');
    await claimIfNeeded(tab);
    await page.getByRole('button', { name: 'Hoàn thành' }).click();
    await page.getByRole('heading', { name: 'Công việc của tôi' }).waitFor();
    const registered = await documentStatus(app, 'vanthu', incomingId, 'directing');
    assert.ok(registered.arrivalNumber ?? registered.number, 'an arrival number is given');
    // its page names the sender, the letter's own date and the arrival number; the trail reads in Vietnamese
    await go(tab, `/documents/${incomingId}`);
    const meta = await page.locator('dl.meta').innerText();
    assert.match(meta, /Bộ Nội vụ/);
    assert.match(meta, /18\/11\/2026/);
    assert.match(meta, new RegExp(`Số đến, ngày đến\\s+${registered.arrivalNumber}`));
    const trail = page.locator('ol.history');
    await trail.getByText('tiếp nhận').first().waitFor();
    await trail.getByText('kiểm tra, vào sổ').first().waitFor();
    assert.doesNotMatch(await trail.innerText(), /— (received|registered|checked|status)\b/);

    const out = await outgoingAwaitingSignature(app, 'Thông báo lịch tiếp công dân tháng 12');
    await completeTask(app, 'chutich', out.id, 'sign', { decision: 'approve', pin: 'hoso-demo' });
    await openFromInbox(tab, 'Của nhóm', 'Văn thư ký số cơ quan', 'Thông báo lịch tiếp công dân');
    await claimIfNeeded(tab);
    await page.locator('#f-pin').fill('hoso-demo');
    await page.getByRole('button', { name: 'Hoàn thành' }).click();
    await page.getByRole('heading', { name: 'Công việc của tôi' }).waitFor();
    const issued = await documentStatus(app, 'vanthu', out.id, 'issued');
    assert.match(String(issued.notation), /\/UBND-VP$/);
    await go(tab, `/documents/${out.id}`);
    await page.getByText(issued.notation).first().waitFor();
    await shot(tab, 'clerk-issued');
    // the list shows the dates the documents bear: the incoming letter's own (18/11/2026), not its arrival
    await page.getByRole('link', { name: 'Văn bản', exact: true }).click();
    const incomingRow = page.locator('tr').filter({ hasText: 'Hướng dẫn lập hồ sơ điện tử năm 2027' });
    assert.match(await incomingRow.innerText(), /18\/11\/2026/);
    // the registers open on the one in use, with the document just issued
    await page.getByRole('link', { name: 'Sổ đăng ký' }).click();
    await page.getByTestId('register-entries').getByText('Thông báo lịch tiếp công dân').first().waitFor();
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('a clerk keeps the file plan, opens a dossier from it and sees why it cannot be closed yet', async (t) => {
    if (needsApis(t)) return;
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'vanthu');
    await page.getByRole('link', { name: 'Danh mục hồ sơ' }).click();
    await page.locator('#fp-kind').selectOption('heading');
    await page.locator('#fp-abbr').fill('TCCB');
    await page.locator('#fp-title').fill('Tổ chức cán bộ');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByTestId('file-plan').getByText('Tổ chức cán bộ').waitFor();
    await page.locator('#fp-kind').selectOption('entry');
    await page.locator('#fp-heading').selectOption({ label: 'I. Tổ chức cán bộ' });
    await page.locator('#fp-title').fill('Hồ sơ tuyển dụng công chức năm 2026');
    await page.locator('#fp-retention').fill('Vĩnh viễn');
    await page.getByRole('button', { name: 'Lưu' }).click();
    const entry = page.getByTestId('file-plan').locator('tr').filter({ hasText: 'Hồ sơ tuyển dụng công chức' });
    await entry.getByText('Vĩnh viễn').waitFor();
    await entry.getByRole('button', { name: 'Lập hồ sơ' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã lập hồ sơ' }).waitFor();
    // the entry now says so instead of offering a second dossier
    await entry.getByText('Đã lập hồ sơ').waitFor();
    assert.equal(await entry.getByRole('button', { name: 'Lập hồ sơ' }).count(), 0);
    await shot(tab, 'clerk-file-plan');
    await page.getByRole('link', { name: 'Hồ sơ', exact: true }).click();
    await page.getByTestId('dossiers').getByRole('link', { name: /TCCB/ }).click();
    tab.expectError(/status of 422/);
    await page.getByRole('button', { name: 'Kết thúc hồ sơ' }).click();
    await page.getByTestId('close-reasons').getByRole('listitem').first().waitFor();
    await shot(tab, 'clerk-dossier-incomplete');
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it("the leader's board shows the late task in red and drills down to it", async (t) => {
    if (needsApis(t)) return;
    const doc = await createIncoming(app, 'vanthu', 'Kiểm tra công tác văn thư lưu trữ');
    await completeTask(app, 'vanthu', doc.id, 'register');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(clock.now());
    await completeTask(app, 'chutich', doc.id, 'direct', { mainHandlerId: await userId(app, 'cv.vp'), dueDate: today });
    await findTask(app, 'cv.vp', doc.id, 'handle');
    clock.advance(3 * 86_400_000);
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'chutich');
    await page.getByRole('link', { name: 'Theo dõi giao việc' }).click();
    const row = page.locator('[data-testid=board-tasks] tbody tr').filter({ hasText: 'Kiểm tra công tác văn thư' });
    await row.waitFor();
    assert.equal(await row.getAttribute('data-status'), 'late');
    const color = await row
      .locator('td')
      .first()
      .evaluate((el) => (el as any).ownerDocument.defaultView.getComputedStyle(el).color);
    assert.equal(color, 'rgb(183, 28, 28)');
    await shot(tab, 'leader-board');
    await row.getByRole('link').click();
    await page.getByText('Quá hạn').first().waitFor();
    assert.deepEqual(tab.errors, []);
    await tab.close();
    // the inbox of the handler, with a late task in red, is the README picture
    const staff = await openTab(browser);
    await createOutgoing(app, 'cv.vp', 'Báo cáo kết quả cải cách hành chính quý IV', { urgency: 'top-urgent' });
    await login(staff, app, 'cv.vp');
    await staff.page.locator('[data-testid=inbox] tr.late').first().waitFor();
    await shot(staff, 'inbox', join(DOCS_IMAGES, 'inbox.png'));
    assert.deepEqual(staff.errors, []);
    await staff.close();
  });
});
