import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { go, launch, login, openTab, shot, skipNoChromium } from './support.js';

describe('web app shell: login, language, navigation by role, tablet layout', { skip: skipNoChromium }, () => {
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

  it('shows a readable Vietnamese message for a wrong password, then signs in', async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    await page.goto(app.url + '/');
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    await page.locator('#username').fill('cv.vp');
    await page.locator('#password').fill('sai-mat-khau');
    tab.expectError(/status of 401/);
    await page.locator('button[type=submit]').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /[Mm]ật khẩu|đăng nhập/);
    await login(tab, app, 'cv.vp');
    await page.getByRole('heading', { name: 'Công việc của tôi' }).waitFor();
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('shows each role its own navigation', async () => {
    const expectations: Record<string, { has: string[]; not: string[] }> = {
      'cv.vp': {
        has: ['Công việc', 'Văn bản', 'Soạn văn bản đi', 'Hồ sơ'],
        not: ['Quy trình', 'Theo dõi giao việc', 'Tiếp nhận văn bản đến'],
      },
      vanthu: {
        has: ['Tiếp nhận văn bản đến', 'Sổ đăng ký', 'Danh mục hồ sơ'],
        not: ['Quy trình', 'Theo dõi giao việc'],
      },
      chutich: { has: ['Theo dõi giao việc', 'Thống kê hồ sơ'], not: ['Quy trình', 'Tiếp nhận văn bản đến'] },
      admin: { has: ['Quy trình'], not: ['Tiếp nhận văn bản đến'] },
      luutru: { has: ['Nộp lưu', 'Danh mục hồ sơ'], not: ['Quy trình'] },
    };
    for (const [user, e] of Object.entries(expectations)) {
      const tab = await openTab(browser);
      await login(tab, app, user);
      const nav = await tab.page.locator('nav#nav').innerText();
      for (const label of e.has) assert.ok(nav.includes(label), `${user} should see ${label}`);
      for (const label of e.not) assert.ok(!nav.includes(label), `${user} should not see ${label}`);
      assert.deepEqual(tab.errors, [], user);
      await tab.close();
    }
  });

  it('switches to English and back, keeping the choice', async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'cv.vp');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.reload();
    await page.getByRole('heading', { name: 'My tasks' }).waitFor();
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('heading', { name: 'Công việc của tôi' }).waitFor();
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('folds the navigation behind a menu button at tablet width and is keyboard usable', async () => {
    const tab = await openTab(browser, { width: 768, height: 1024 });
    const { page } = tab;
    await login(tab, app, 'vanthu');
    assert.equal(await page.locator('nav#nav').isVisible(), false);
    const toggle = page.locator('button.menu-toggle');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.locator('nav#nav').waitFor({ state: 'visible' });
    await page.getByRole('link', { name: 'Công việc' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Công việc của tôi' }).waitFor();
    assert.equal(await page.locator('nav#nav').isVisible(), false, 'the menu closes after choosing');
    // the focused element has a visible outline (WCAG 2.4.7)
    await page.getByRole('button', { name: 'Của nhóm' }).focus();
    const outline = await page.evaluate(`getComputedStyle(document.activeElement).outlineStyle`);
    assert.notEqual(outline, 'none');
    await shot(tab, 'tablet-inbox');
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });

  it('answers an unknown path inside the app with a page, not a server error', async () => {
    const tab = await openTab(browser);
    await login(tab, app, 'cv.vp');
    await go(tab, '/khong-co');
    await tab.page.getByText('Không tìm thấy trang này.').waitFor();
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });
});
