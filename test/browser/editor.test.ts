import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { centerOf, go, launch, login, openTab, shot, skipNoChromium } from './support.js';

describe('process editor: bpmn-js modeler, Zeebe properties, Camunda 8.8 lint', { skip: skipNoChromium }, () => {
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

  it('flags a service task without a job type and clears it once the Zeebe task type is set', async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    await login(tab, app, 'admin');
    await go(tab, '/processes/new');
    await page.locator('.djs-palette').waitFor();
    await page.getByTestId('lint-summary').filter({ hasText: 'không có lỗi' }).waitFor();

    // given a task dropped from the palette next to the start event
    const start = await centerOf(tab, 'StartEvent_1');
    await page.locator('.djs-palette .entry[data-action="create.task"]').click();
    await page.mouse.move(start.x + 150, start.y);
    await page.mouse.click(start.x + 150, start.y);
    // when it becomes a service task (context pad → change type)
    // (a synthetic click: a pointer press on a context-pad entry may start a drag instead)
    await page.locator('.djs-context-pad.open .entry[data-action="replace"]').dispatchEvent('click');
    await page.locator('.djs-popup-parent [data-id="replace-with-service-task"]').click();
    // then the Camunda 8.8 rules report the missing implementation
    await page.getByTestId('lint-summary').filter({ hasText: /1 lỗi/ }).waitFor();

    // when the administrator sets the job type in the Zeebe "Task definition" group
    await page.locator('[data-group-id="group-taskDefinition"] .bio-properties-panel-group-header').click();
    await page.locator('#bio-properties-panel-taskDefinitionType').fill('documents.set-status');
    // then the diagram is clean again
    await page.getByTestId('lint-summary').filter({ hasText: 'không có lỗi' }).waitFor();
    await shot(tab, 'editor-new-process');

    // when a job type no worker serves is deployed, the server refuses it (400) and nothing is deployed
    const taskId = await page.locator('.djs-shape.selected').getAttribute('data-element-id');
    await page.locator('#bio-properties-panel-taskDefinitionType').fill('khong.co.worker');
    tab.expectError(/status of 400/);
    await page.getByTestId('deploy').click();
    // then each problem is listed under the diagram with its element, and the element is marked on the canvas
    const alert = page.getByRole('alert').filter({ hasText: taskId! });
    await alert.waitFor();
    await page.locator(`.djs-element.deploy-error[data-element-id="${taskId}"]`).waitFor({ state: 'attached' });
    await shot(tab, 'editor-deploy-refused');
    assert.deepEqual(tab.errors, []);
    await tab.close();
  });
});
