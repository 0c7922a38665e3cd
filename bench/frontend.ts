import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { freePort, RESULTS_DIR, ROOT } from './support/server.js';

/**
 * npm run bench:frontend — (1) the initial bundle of the web app: every script, stylesheet and module preload
 * index.html references, raw and gzip (level 9) bytes, from frontend/dist; the lazily loaded chunks (BPMN
 * editor, charts) are listed apart. (2) Time to interactive of the inbox in headless Chromium: a server on a
 * fresh SQLite database with demo data and BENCH_TASKS open tasks for the staff user; each load starts in a
 * new browser context (cold HTTP cache) with the session token already stored, and ends when the inbox rows
 * are rendered and the main thread is idle (requestIdleCallback). Median of BENCH_LOADS loads, plus warm
 * reloads in one context. Env: BENCH_LOADS (15), BENCH_TASKS (20), HOSO_CHROMIUM (/usr/bin/chromium).
 */
const LOADS = Number(process.env.BENCH_LOADS ?? 15);
const TASKS = Number(process.env.BENCH_TASKS ?? 20);
const DIST = join(ROOT, 'frontend', 'dist');
const CHROMIUM = process.env.HOSO_CHROMIUM ?? '/usr/bin/chromium';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;

function bundle() {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  const size = (rel: string) => {
    const buf = readFileSync(join(DIST, rel));
    return { file: rel, bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  };
  const initial = [{ ...size('index.html'), file: 'index.html' }, ...refs.map(size)];
  const all = existsSync(join(DIST, 'assets')) ? readdirSync(join(DIST, 'assets')) : [];
  const lazy = all
    .map((f) => `/assets/${f}`)
    .filter((f) => !refs.includes(f) && /\.(js|css)$/.test(f))
    .map(size);
  const sum = (l: { bytes: number; gzip: number }[]) => ({
    bytes: l.reduce((a, b) => a + b.bytes, 0),
    gzip: l.reduce((a, b) => a + b.gzip, 0),
  });
  return { initial: { ...sum(initial), files: initial }, lazy: { ...sum(lazy), files: lazy } };
}

async function startServer(dataDir: string, port: number) {
  // SQLite in the temporary DATA_DIR: the figure is about the browser, not the database
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    SEED_DEMO: 'true',
    DEMO_PASSWORD: 'hoso-demo',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { child, url };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not start');
}

async function main() {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('frontend/dist missing: run npm run build:web');
  const sizes = bundle();
  console.log(
    `initial bundle: ${sizes.initial.files.length} files, ${sizes.initial.bytes} B, gzip ${sizes.initial.gzip} B`,
  );
  console.log(`lazy chunks: ${sizes.lazy.files.length} files, gzip ${sizes.lazy.gzip} B`);

  const dataDir = mkdtempSync(join(tmpdir(), 'hoso-bench-frontend-'));
  const { child, url } = await startServer(dataDir, await freePort());
  try {
    const login = async (username: string) =>
      (
        (await (
          await fetch(`${url}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username, password: 'hoso-demo' }),
          })
        ).json()) as { accessToken: string }
      ).accessToken;
    const token = await login('cv.vp');
    const chutich = await login('chutich');
    const signerId = (
      (await (await fetch(`${url}/api/auth/me`, { headers: { authorization: `Bearer ${chutich}` } })).json()) as {
        id: string;
      }
    ).id;
    for (let i = 0; i < TASKS; i++) {
      const r = await fetch(`${url}/api/documents/outgoing`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          typeCode: 'CV',
          subject: `Văn bản thử số ${i + 1}`,
          signerId,
          urgency: i % 5 === 0 ? 'urgent' : undefined,
        }),
      });
      if (r.status !== 201) throw new Error(`seeding tasks: ${r.status} ${await r.text()}`);
    }
    const browser = await chromium.launch({
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
    // The inbox is interactive once its rows are on screen and the main thread has gone idle.
    const ready = `new Promise((resolve) => {
      const check = () => document.querySelectorAll('[data-testid=inbox] tbody tr').length >= ${Math.min(TASKS, 1)}
        ? requestIdleCallback(() => resolve(performance.now()))
        : requestAnimationFrame(check);
      check();
    })`;
    const cold: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      await ctx.addInitScript(`sessionStorage.setItem('hoso.token', ${JSON.stringify(token)})`);
      const page = await ctx.newPage();
      await page.goto(`${url}/`);
      cold.push(Number(await page.evaluate(ready)));
      await ctx.close();
    }
    const warm: number[] = [];
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await ctx.addInitScript(`sessionStorage.setItem('hoso.token', ${JSON.stringify(token)})`);
    const page = await ctx.newPage();
    await page.goto(`${url}/`);
    for (let i = 0; i < LOADS; i++) {
      await page.reload();
      warm.push(Number(await page.evaluate(ready)));
    }
    await browser.close();

    const result = {
      generatedAt: new Date().toISOString(),
      chromium: CHROMIUM,
      loads: LOADS,
      tasksInInbox: TASKS,
      bundle: {
        initialGzipBytes: sizes.initial.gzip,
        initialBytes: sizes.initial.bytes,
        lazyGzipBytes: sizes.lazy.gzip,
        initial: sizes.initial.files,
        lazy: sizes.lazy.files,
      },
      inboxTimeToInteractiveMs: {
        coldMedian: round(median(cold)),
        warmMedian: round(median(warm)),
        cold: cold.map(round),
        warm: warm.map(round),
      },
      summary: [
        { metric: 'initial bundle (gzip, bytes)', value: sizes.initial.gzip },
        { metric: 'lazy chunks: editor, charts (gzip, bytes)', value: sizes.lazy.gzip },
        { metric: `inbox time to interactive, cold cache, median of ${LOADS} (ms)`, value: round(median(cold)) },
        { metric: `inbox time to interactive, warm reload, median of ${LOADS} (ms)`, value: round(median(warm)) },
      ],
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'frontend.json'), JSON.stringify(result, null, 2) + '\n');
    for (const s of result.summary) console.log(`${s.metric}: ${s.value}`);
    console.log(`written to ${join(RESULTS_DIR, 'frontend.json')}`);
  } finally {
    child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
