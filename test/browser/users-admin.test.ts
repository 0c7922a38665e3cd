import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { launch, login, openTab, shot, skipNoChromium } from './support.js';

const NEW_PASSWORD = 'Ha-Tinh-2026-moi';

describe('agency administrator: users and roles in the web app', { skip: skipNoChromium }, () => {
  let app: TestApp;
  let browser: Browser;
  before(async () => {
    app = await startTestApp();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const loginStatus = async (username: string, password: string) =>
    (await app.request('POST', '/api/auth/login', { body: { username, password } })).status;

  it("adds a staff member to TCCB, who can then work; locks the account; resets a colleague's password", async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'snv.admin');
    await page.getByRole('link', { name: 'Người dùng' }).click();
    await page.getByRole('heading', { name: 'Người dùng và phân quyền' }).waitFor();
    const table = page.locator('[data-testid=users-table]');
    await table.getByText('snv.giamdoc').waitFor();
    // Vietnamese-aware search: without diacritics
    await page.locator('#user-q').fill('ly thi kim');
    await table.locator('tbody tr').first().getByText('snv.luutru').waitFor();
    assert.equal(await table.locator('tbody tr').count(), 1);
    await page.locator('#user-q').fill('');

    // given the form, when the administrator adds a staff member of TCCB
    await page.locator('#new-username').fill('snv.cv3');
    await page.locator('#new-fullName').fill('Trần Thị Hồng Nhung');
    await page.locator('#new-title').fill('Chuyên viên');
    await page.locator('#new-unit').selectOption({ label: 'TCCB — Phòng Tổ chức cán bộ' });
    await page.getByRole('checkbox', { name: 'Chuyên viên' }).check();
    await page.locator('#new-password').fill('mat-khau-ban-dau');
    await page.getByRole('button', { name: 'Thêm người dùng' }).click();
    await page.getByText('Đã thêm người dùng.').waitFor();
    const row = table.locator('tbody tr').filter({ hasText: 'snv.cv3' });
    await row.getByText('Trần Thị Hồng Nhung').waitFor();
    assert.match(await row.innerText(), /TCCB[\s\S]*Chuyên viên[\s\S]*Đang hoạt động/);
    // then the new user logs in and sees TCCB's group work
    assert.equal(await loginStatus('snv.cv3', 'mat-khau-ban-dau'), 200);
    const me = (await app.request('GET', '/api/auth/me', { as: 'snv.admin' })).body;
    const created = (await app.request('GET', `/api/users?agencyId=${me.agencyId}&q=snv.cv3`, { as: 'snv.admin' }))
      .body[0];
    assert.deepEqual(
      created.grants.map((g: { role: string }) => g.role),
      ['staff'],
    );
    assert.ok(created.grants[0].unitId, 'the staff role is for the unit');

    // moved to the office, the staff role moves along
    await row.getByRole('button', { name: 'Sửa snv.cv3' }).click();
    await page.locator('#new-unit').selectOption({ label: 'VP — Văn phòng Sở' });
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.getByText('Đã lưu thông tin người dùng.').waitFor();
    const units = (await app.request('GET', `/api/agencies/${me.agencyId}/units`, { as: 'snv.admin' })).body;
    const vp = units.find((u: { abbreviation: string }) => u.abbreviation === 'VP').id;
    const moved = (await app.request('GET', `/api/users/${created.id}`, { as: 'snv.admin' })).body;
    assert.equal(moved.unitId, vp);
    assert.deepEqual(
      moved.grants.map((g: { role: string; unitId: string }) => [g.role, g.unitId]),
      [['staff', vp]],
    );

    // when the account is locked, the user can no longer log in
    await row.getByRole('button', { name: 'Sửa snv.cv3' }).click();
    await page.getByRole('heading', { name: 'Sửa người dùng: Trần Thị Hồng Nhung' }).waitFor();
    await page.getByRole('checkbox', { name: 'Khóa tài khoản' }).check();
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.getByText('Đã lưu thông tin người dùng.').waitFor();
    await row.getByText('Đã khóa').waitFor();
    assert.equal(await loginStatus('snv.cv3', 'mat-khau-ban-dau'), 401);

    // a colleague who lost their password gets a new one; the old one stops working
    await table.locator('tbody tr').filter({ hasText: 'snv.cv2' }).getByRole('button', { name: 'Sửa snv.cv2' }).click();
    await page.locator('#reset-password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Đặt lại mật khẩu' }).click();
    await page.getByText('Đã đặt lại mật khẩu').waitFor();
    assert.equal(await loginStatus('snv.cv2', NEW_PASSWORD), 200);
    assert.equal(await loginStatus('snv.cv2', 'hoso-demo'), 401);
    // a new unit of the agency, at once offered for its people
    await page.locator('#unit-abbreviation').fill('khtc');
    await page.locator('#unit-name').fill('Phòng Kế hoạch - Tài chính');
    await page.getByRole('button', { name: 'Thêm đơn vị' }).click();
    await page.getByText('Đã thêm đơn vị Phòng Kế hoạch - Tài chính.').waitFor();
    await page.locator('[data-testid=units-list]').getByText('KHTC').waitFor();
    await page.getByRole('button', { name: 'Hủy' }).click();
    assert.equal(await page.locator('#new-unit option', { hasText: 'KHTC — Phòng Kế hoạch - Tài chính' }).count(), 1);
    await shot(tab, 'users-admin');
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('a user changes their own password from their account and stays signed in', async () => {
    const me = (await app.request('GET', '/api/auth/me', { as: 'snv.tp' })).body;
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'snv.tp');
    await page.getByRole('link', { name: me.fullName }).click();
    await page.getByRole('heading', { name: 'Tài khoản của tôi' }).waitFor();
    // a wrong current password is refused and says so
    tab.expectError(/400/);
    await page.locator('#current-password').fill('khong-phai-mat-khau');
    await page.locator('#next-password').fill('Mat-khau-rieng-2026');
    await page.locator('#again-password').fill('Mat-khau-rieng-2026');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.locator('.error, [role=alert]').first().waitFor();
    assert.equal(await loginStatus('snv.tp', 'hoso-demo'), 200, 'nothing changed');
    // two different new passwords cannot be sent
    await page.locator('#current-password').fill('hoso-demo');
    await page.locator('#again-password').fill('Mat-khau-khac-2026');
    assert.equal(await page.getByRole('button', { name: 'Đổi mật khẩu' }).isDisabled(), true);
    await page.locator('#again-password').fill('Mat-khau-rieng-2026');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.getByText('Đã đổi mật khẩu').waitFor();
    assert.equal(await loginStatus('snv.tp', 'hoso-demo'), 401);
    assert.equal(await loginStatus('snv.tp', 'Mat-khau-rieng-2026'), 200);
    // still signed in: the inbox opens
    await page.getByRole('link', { name: 'Công việc', exact: true }).click();
    await page.getByRole('heading', { name: 'Công việc của tôi' }).waitFor();
    assert.equal(await page.locator('#username').count(), 0, 'not sent back to the login form');
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('the audit log lists what happened and verifies its hash chain', async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'admin');
    await page.getByRole('link', { name: 'Nhật ký hệ thống' }).click();
    const table = page.locator('[data-testid=audit-table]');
    await table.getByText('user.password-reset').first().waitFor();
    await page.getByRole('button', { name: 'Kiểm tra toàn vẹn nhật ký' }).click();
    const verdict = await page.locator('[data-testid=audit-verify]').innerText();
    assert.match(verdict, /Nhật ký toàn vẹn: đã kiểm tra \d+ bản ghi/);
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('staff see no user administration', async () => {
    const tab = await openTab(browser);
    await login(tab, app, 'snv.cv');
    assert.equal(await tab.page.getByRole('link', { name: 'Người dùng' }).count(), 0);
    await tab.close();
  });
});
