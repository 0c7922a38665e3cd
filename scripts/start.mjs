#!/usr/bin/env node
// npm start: build what is missing or stale (server with tsc, web app with Vite), then run the server.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const newest = (dir) => {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const f of readdirSync(dir, { recursive: true })) {
    const p = join(dir, String(f));
    try {
      t = Math.max(t, statSync(p).mtimeMs);
    } catch {
      /* ignore */
    }
  }
  return t;
};
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (!existsSync('dist/src/main.js') || newest('src') > statSync('dist/src/main.js').mtimeMs) {
  console.log('hoso: building the server (tsc)…');
  run('npx', ['tsc', '-p', 'tsconfig.build.json']);
}
if (!existsSync('frontend/dist/index.html') || newest('frontend/src') > statSync('frontend/dist/index.html').mtimeMs) {
  console.log('hoso: building the web app (vite)…');
  run('npm', ['run', 'build', '--workspace', 'frontend']);
}
// one HTTP worker process per CPU unless HTTP_WORKERS says otherwise (main.ts runs them as a node:cluster)
const env = { ...process.env, HTTP_WORKERS: process.env.HTTP_WORKERS ?? 'auto' };
const child = spawn(process.execPath, ['dist/src/main.js'], { stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));

// The demo province's work in progress (file plan, dossiers, documents in every inbox), made through the API once
// the server answers, on the demo's first start only. SEED_DEMO_WORK=false leaves the demo province without it.
const demo =
  process.env.SEED_DEMO === 'true' || (process.env.SEED_DEMO !== 'false' && process.env.NODE_ENV !== 'production');
if (demo && process.env.SEED_DEMO_WORK !== 'false') {
  const baseUrl = `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  const { seedDemoWork } = createRequire(import.meta.url)('../dist/src/demo/demo-work.js');
  (async () => {
    for (let i = 0; i < 600; i++) {
      const up = await fetch(`${baseUrl}/api/health`).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const r = await seedDemoWork({
      baseUrl,
      password: process.env.DEMO_PASSWORD ?? 'hoso-demo',
      log: (line) => console.log(`hoso: demo work: ${line}`),
    });
    if (r.seeded) console.log('hoso: demo work ready (Sở Nội vụ: log in as snv.cv, snv.tp, snv.giamdoc, snv.vanthu)');
  })().catch((e) => console.error(`hoso: demo work not made: ${e.message}`));
}
