import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { docsApi } from '../e2e/documents.helpers.js';
import { letterPdf } from '../e2e/digitization-support.js';
import { go, launch, login, openTab, shot, skipNoChromium } from './support.js';

/** A clerk registers a letter; its content is found from the search page without diacritics, page and marks shown. */
describe('full-text search page', { skip: skipNoChromium }, () => {
  let app: TestApp;
  let browser: Browser;
  before(async () => {
    app = await startTestApp({ env: { DIGITIZATION_POLL_MS: '100' } });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('finds a letter by words on its second page and marks them in the snippet', async () => {
    const api = docsApi(app);
    const pdf = await letterPdf([['Trang một của kế hoạch năm sau'], ['Kế hoạch chuyển đổi số năm 2027 của Sở']]);
    const res = await api.upload(
      'snv.vanthu',
      '/api/documents/incoming',
      {
        senderName: 'Sở Tài chính',
        originalNumber: '7/KH-STC',
        originalDate: '2026-11-20',
        typeCode: 'KH',
        subject: 'Kế hoạch năm',
      },
      { name: 'ke-hoach.pdf', type: 'application/pdf', content: pdf },
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    for (let i = 0; i < 200; i++) {
      const jobs = await app.request('GET', `/api/documents/${res.body.id}/content-jobs`, { as: 'snv.vanthu' });
      if (jobs.body[0]?.status === 'done') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const tab = await openTab(browser);
    await login(tab, app, 'snv.vanthu');
    await go(tab, '/search');
    await tab.page.getByRole('searchbox', { name: 'Tìm kiếm toàn văn' }).fill('chuyen doi so');
    await tab.page.locator('main form[role=search] button[type=submit]').click();
    const results = tab.page.locator('[data-testid=search-results] li');
    await tab.page.locator('[data-testid=search-total]').waitFor();
    await results
      .first()
      .waitFor({ timeout: 3000 })
      .catch(async () => assert.fail(await tab.page.locator('main').innerText()));
    assert.match(await results.first().innerText(), /Trang 2/);
    const marks = await results.first().locator('mark').allInnerTexts();
    // every word folded alike: "Sở" is "so" as well
    assert.deepEqual(marks, ['chuyển', 'đổi', 'số', 'Sở']);
    await shot(tab, 'search');
  });
});
