import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD, type TestApp } from '../support/test-app.js';

/** Set by scripts/test.mjs when Debian's chromium is installed; browser tests skip without it. */
export const CHROMIUM = process.env.HOSO_CHROMIUM;
export const skipNoChromium = CHROMIUM ? false : 'chromium missing';
export const RESULTS = join(process.cwd(), 'test-results');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Tab {
  page: Page;
  /** Console errors and uncaught exceptions seen so far (minus the ones a test said it expects). */
  errors: string[];
  /** Declares an expected console error (e.g. the 401 of a wrong password), matched once. */
  expectError(re: RegExp): void;
  close(): Promise<void>;
}

export async function openTab(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<Tab> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  const expected: RegExp[] = [];
  const note = (text: string) => {
    const i = expected.findIndex((re) => re.test(text));
    if (i >= 0) expected.splice(i, 1);
    else errors.push(text);
  };
  page.on('console', (m) => {
    if (m.type() === 'error') note(`${m.text()} ${m.location().url ?? ''}`.trim());
  });
  page.on('pageerror', (e) => note(`pageerror: ${e.message}`));
  return {
    page,
    errors,
    expectError: (re) => expected.push(re),
    close: () => context.close(),
  };
}

export async function login(tab: Tab, app: TestApp, username: string): Promise<void> {
  const { page } = tab;
  await page.goto(app.url + '/');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('button[type=submit]').click();
  await page.locator('nav#nav').waitFor({ state: 'attached' });
}

/** Client-side navigation, as a click on a link would do (keeps the single-page app state). */
export async function go(tab: Tab, path: string): Promise<void> {
  // (a string: the test project is compiled without DOM typings)
  await tab.page.evaluate(
    `history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'))`,
  );
}

/**
 * Screenshot into test-results/. `readmeImage` (a docs/images path) is written too when HOSO_README_IMAGES=1,
 * so ordinary test runs leave the committed README pictures alone.
 */
export async function shot(tab: Tab, name: string, readmeImage?: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await tab.page.screenshot({ path: join(RESULTS, `${name}.png`) });
  if (readmeImage && process.env.HOSO_README_IMAGES === '1') await tab.page.screenshot({ path: readmeImage });
}

/** True when the server answers this route (another helper's API may not have landed yet). */
export async function hasRoute(app: TestApp, path: string, as = 'admin'): Promise<boolean> {
  const r = await app.request('GET', path, { as });
  return !(r.status === 404 && (r.body as { code?: string })?.code === 'ROUTE_NOT_FOUND');
}

/** The middle of a diagram element (shape or connection) on the bpmn-js canvas. */
export async function centerOf(tab: Tab, elementId: string): Promise<{ x: number; y: number }> {
  const box = await tab.page.locator(`.djs-element[data-element-id="${elementId}"] .djs-hit`).first().boundingBox();
  assert.ok(box, `element ${elementId} on the canvas`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}
