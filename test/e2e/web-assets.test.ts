import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FRONTEND_DIST } from '../../src/bootstrap.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const skip = !existsSync(join(FRONTEND_DIST, 'index.html'))
  ? 'the web app is not built (npm run build:web; npm test builds it when Chromium is installed)'
  : false;

/**
 * How the built web app is served beside the API: hashed assets cached for good, the page itself never, a
 * missing asset a 404 (not the page parsed as JavaScript), API paths answered by the API only.
 */
describe('web app assets', { skip }, () => {
  let t: TestApp;
  let script: string;

  before(async () => {
    t = await startTestApp();
    const html = readFileSync(join(FRONTEND_DIST, 'index.html'), 'utf8');
    script = html.match(/src="(\/assets\/[^"]+\.js)"/)![1];
  });
  after(() => t?.close());

  it('serves a hashed asset as immutable for a year', async () => {
    const res = await fetch(t.url + script);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=31536000/);
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await res.text(), readFileSync(join(FRONTEND_DIST, script)).toString());
  });

  it('answers a missing asset with 404, not with the page', async () => {
    const res = await fetch(`${t.url}/assets/index-gone-since-deploy.js`);
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.headers.get('content-type') ?? '', /html/);
  });

  it('serves the page, uncached, for the app routes', async () => {
    for (const path of ['/', '/documents/5b1c0c9e-0000-4000-8000-000000000000', '/inbox?state=open']) {
      const res = await fetch(t.url + path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/, path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
      assert.match(await res.text(), /<div id="root">|<!doctype html>/i, path);
    }
  });

  it('leaves /api paths to the API: JSON errors, never the page or a file', async () => {
    for (const path of ['/api/no-such-route', '/api/assets/index.html', `/api${script}`]) {
      const res = await fetch(t.url + path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /json/, path);
    }
    const health = await fetch(`${t.url}/api/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
  });
});
