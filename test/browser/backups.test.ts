import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { tempDir } from '../backup/support.js';
import { launch, login, openTab, shot, skipNoChromium } from './support.js';

describe('installation administrator: backups in the web app', { skip: skipNoChromium }, () => {
  let app: TestApp;
  let browser: Browser;
  const dir = tempDir('hoso-backups-web-');
  before(async () => {
    app = await startTestApp({ env: { BACKUP_DIR: dir, BACKUP_SCHEDULE: '02:30' } });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a full backup and sees its result, size and duration; an agency admin is refused', async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'admin');
    await page.getByRole('link', { name: 'Sao lưu' }).click();
    await page.getByRole('heading', { name: 'Sao lưu dữ liệu' }).waitFor();
    await page.getByText('Chưa có bản sao lưu nào.').waitFor();
    await page.getByText('02:30').waitFor();
    await page.getByRole('button', { name: 'Sao lưu đầy đủ ngay' }).click();
    const last = page.locator('[data-testid=backup-last]');
    await last.getByText('Thành công').waitFor({ timeout: 60_000 });
    assert.match(await last.innerText(), /Dung lượng\s+[\d.]+ (KB|MB)[\s\S]*Thời gian\s+[\d.]+ s/);
    await page.locator('[data-testid=backup-table] tbody tr').first().getByText('Đầy đủ').waitFor();
    await shot(tab, 'backups');
    assert.deepEqual(tab.errors, []);
    await tab.close();

    const other = await openTab(browser);
    await login(other, app, 'snv.admin');
    other.expectError(/403/);
    await other.page.getByRole('link', { name: 'Sao lưu' }).click();
    await other.page.getByText('Chỉ quản trị viên của toàn bộ hệ thống').waitFor();
    await other.close();
  });
});
