import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { completeTask, createOutgoing, documentStatus, findTask, userId } from './flows.js';
import { centerOf, launch, login, openTab, shot, skipNoChromium, type Tab } from './support.js';

/** Selects an element on the canvas and runs one of its context-pad entries (a synthetic click: see editor.test). */
async function padAction(tab: Tab, elementId: string, action: string): Promise<void> {
  const at = await centerOf(tab, elementId);
  await tab.page.mouse.click(at.x, at.y);
  await tab.page.locator(`.djs-context-pad.open .entry[data-action="${action}"]`).dispatchEvent('click');
}

async function openDossier(app: TestApp, as: string, notation: string): Promise<string> {
  const r = await app.request('POST', '/api/dossiers', {
    as,
    body: { title: `Hồ sơ văn bản đi ${notation}`, notation, retention: '5' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

describe("an agency's own variant of the outgoing flow, made in the browser editor", { skip: skipNoChromium }, () => {
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

  it("Thạch Kim's administrator removes the unit-head review; Thạch Kim skips it, Sở Nội vụ still passes it", async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'thachkim.admin');
    await page.getByRole('link', { name: 'Quy trình' }).click();
    const row = page.locator('[data-testid=process-list] tr').filter({ hasText: 'outgoing-document' });
    // given the province default, inherited by the commune
    await row.filter({ hasText: 'Ủy ban nhân dân tỉnh Hà Tĩnh' }).waitFor();
    await row.getByRole('link', { name: 'Sửa sơ đồ' }).click();
    await page.locator('.djs-element[data-element-id="review"]').waitFor({ state: 'attached' });
    await page.getByTestId('version-owner').filter({ hasText: 'Ủy ban nhân dân tỉnh Hà Tĩnh' }).waitFor();

    // when the administrator makes the agency's own variant: the review and its decision go, the status step
    // leads straight to the clerk's format check
    await page.getByTestId('create-variant').click();
    await page.getByRole('status').filter({ hasText: 'biến thể riêng' }).waitFor();
    await padAction(tab, 'review', 'delete');
    await padAction(tab, 'gwReview', 'delete');
    await page.locator('.djs-element[data-element-id="review"]').waitFor({ state: 'detached' });
    const target = await centerOf(tab, 'formatCheck');
    await padAction(tab, 'setReviewing', 'connect');
    await page.mouse.move(target.x - 10, target.y);
    await page.mouse.move(target.x, target.y);
    await page.mouse.click(target.x, target.y);
    await page.getByTestId('lint-summary').filter({ hasText: 'không có lỗi' }).waitFor();
    await shot(tab, 'editor-agency-variant');
    await page.getByTestId('deploy').click();
    await page.getByRole('status').filter({ hasText: 'phiên bản' }).waitFor();
    await page.getByTestId('version-owner').filter({ hasText: 'biến thể riêng của cơ quan mình' }).waitFor();
    assert.deepEqual(tab.errors, []);
    await tab.close();

    // then Thạch Kim's next document goes from the draft straight to the format check, and is issued and filed
    const tkDossier = await openDossier(app, 'thachkim.cv', '01.VP');
    const tk = await createOutgoing(app, 'thachkim.cv', 'Văn bản của xã theo quy trình riêng', {
      signerId: await userId(app, 'thachkim.chutich'),
      dossierId: tkDossier,
    });
    await completeTask(app, 'thachkim.cv', tk.id, 'draft');
    await completeTask(app, 'thachkim.vanthu', tk.id, 'formatCheck', { decision: 'approve' });
    await completeTask(app, 'thachkim.chutich', tk.id, 'sign', { decision: 'approve', pin: DEMO_PASSWORD });
    await completeTask(app, 'thachkim.vanthu', tk.id, 'agencySign', {});
    await documentStatus(app, 'thachkim.cv', tk.id, 'filed');
    const tkTrail = await app.request('GET', `/api/workflow/instances?businessKey=${tk.id}`, { as: 'thachkim.admin' });
    const tkHistory = await app.request('GET', `/api/workflow/instances/${tkTrail.body[0].id}`, {
      as: 'thachkim.admin',
    });
    assert.ok(!tkHistory.body.activities.some((a: { elementId: string }) => a.elementId === 'review'));

    // while a Sở Nội vụ document on the same installation still passes its unit-head review
    const snvDossier = await openDossier(app, 'snv.cv', '02.TCCB');
    const snv = await createOutgoing(app, 'snv.cv', 'Văn bản của Sở theo quy trình của tỉnh', {
      signerId: await userId(app, 'snv.giamdoc'),
      dossierId: snvDossier,
    });
    await completeTask(app, 'snv.cv', snv.id, 'draft');
    await findTask(app, 'snv.tp', snv.id, 'review');
    await completeTask(app, 'snv.tp', snv.id, 'review', { decision: 'approve' });
    await completeTask(app, 'snv.vanthu', snv.id, 'formatCheck', { decision: 'approve' });
    await completeTask(app, 'snv.giamdoc', snv.id, 'sign', { decision: 'approve', pin: DEMO_PASSWORD });
    await completeTask(app, 'snv.vanthu', snv.id, 'agencySign', {});
    await documentStatus(app, 'snv.cv', snv.id, 'filed');
  });
});
