import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { completeTask } from '../support/tasks.js';
import { receiveIncoming, samplePdf } from '../e2e/dossiers-support.js';
import { go, launch, login, openTab, shot, skipNoChromium } from './support.js';

describe(
  'records in the web app: duplicate warning before registering, handling report',
  { skip: skipNoChromium },
  () => {
    let app: TestApp;
    let browser: Browser;
    let existing = '';
    before(async () => {
      app = await startTestApp();
      browser = await launch();
      // one letter handled on time, one open past its deadline (handled by snv.cv of TCCB)
      existing = await receiveIncoming(app, 'Về việc rà soát biên chế', {
        originalNumber: '88/STC-NS',
        dueDate: '2099-12-31',
      });
      await completeTask(app, 'snv.cv', existing, 'handle', { result: 'Đã rà soát' });
      await receiveIncoming(app, 'Về việc quyết toán ngân sách', {
        originalNumber: '89/STC-NS',
        dueDate: '2020-01-02',
      });
    });
    after(async () => {
      await browser?.close();
      await app?.close();
    });

    it('a clerk sees the duplicate before registering, with the existing letter linked, and registers it with a reason', async () => {
      const tab = await openTab(browser);
      const { page } = tab;
      await login(tab, app, 'snv.vanthu');
      await go(tab, '/documents/new-incoming');
      const b64 = (await samplePdf()).toString('base64');
      const dataTransfer = await page.evaluateHandle(`(() => {
      const bytes = Uint8Array.from(atob('${b64}'), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'gui-lai.pdf', { type: 'application/pdf' }));
      return dt;
    })()`);
      await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
      await page.locator('#senderName').fill('Sở Tài chính');
      await page.locator('#originalNumber').fill('88/STC-NS');
      await page.locator('#originalDate').fill('20/11/2026');
      await page.locator('#subject').fill('Về việc rà soát biên chế (gửi lại)');
      const warning = page.getByTestId('duplicate-warning');
      await warning.waitFor();
      const link = warning.getByRole('link', { name: /Về việc rà soát biên chế/ });
      assert.equal(await link.getAttribute('href'), `/documents/${existing}`);
      await shot(tab, 'records-duplicate-warning');
      // without a reason the form refuses; with one it registers
      await page.getByRole('button', { name: 'Vẫn vào sổ' }).click();
      assert.equal(page.url().endsWith('/documents/new-incoming'), true);
      await page.locator('#duplicateReason').fill('Cơ quan gửi lại bản có chữ ký số');
      await page.getByRole('button', { name: 'Vẫn vào sổ' }).click();
      await page.getByRole('heading', { name: 'Về việc rà soát biên chế (gửi lại)' }).waitFor();
      await page.getByText('vào sổ dù trùng văn bản đã nhận').waitFor();
      assert.deepEqual(tab.errors, []);
      await tab.close();
    });

    it('a leader reads the handling report: chart, table per unit and person, exports; the register below', async () => {
      const tab = await openTab(browser);
      const { page } = tab;
      await login(tab, app, 'snv.giamdoc');
      await page.getByRole('link', { name: 'Báo cáo giải quyết' }).click();
      await page.getByRole('heading', { name: 'Báo cáo tình hình giải quyết văn bản' }).waitFor();
      const total = page.getByTestId('handling-total');
      await total.filter({ hasText: 'Tổng cộng: 3' }).waitFor();
      const unit = page.getByTestId('handling-unit');
      await unit.locator('tbody tr').first().waitFor();
      const cells = await unit.locator('tbody tr').first().locator('td').allTextContents();
      assert.match(cells[0], /Tổ chức/);
      assert.deepEqual(cells.slice(1), ['2', '1', '0', '1', '1']);
      assert.ok(await page.locator('canvas[role=img]').isVisible());
      const xlsx = await page.getByRole('link', { name: 'Xuất Excel' }).first().getAttribute('href');
      assert.match(xlsx!, /\/api\/reports\/handling\?direction=incoming&from=\d{4}-01-01&to=.*format=xlsx/);
      const rows = page.getByTestId('follow-up').locator('tbody tr');
      await rows.nth(2).waitFor();
      assert.match((await rows.allTextContents()).join('\n'), /Đang giải quyết, quá hạn/);
      await shot(tab, 'records-handling-report');
      assert.deepEqual(tab.errors, []);
      await tab.close();
    });
  },
);
