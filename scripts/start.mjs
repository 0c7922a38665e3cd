#!/usr/bin/env node
// npm start: build what is missing or stale (server with tsc, web app with Vite), then run the server.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
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
