import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { freshDatabase } from '../support/test-app.js';
import { freePort, MAIN_JS, ROOT } from './support/child-server.js';

/**
 * Issue 22: the cluster primary restarted workers that exit, not workers that hang. A worker whose event loop
 * stops (here: SIGSTOP, the same silence a runaway computation gives) is killed after HTTP_WORKER_HANG_SECONDS
 * and started again, and the server answers on every connection afterwards.
 */
const childPids = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

/** GET on its own connection (the primary deals connections round-robin), with a timeout. */
function health(url: string, timeoutMs: number): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      { host: u.hostname, port: u.port, path: '/api/health', agent: false, headers: { connection: 'close' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      resolve(0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

describe('cluster watchdog: a hung HTTP worker is replaced', () => {
  let proc: ChildProcess;
  let out = '';
  let url: string;
  let db: Awaited<ReturnType<typeof freshDatabase>>;

  before(async () => {
    db = await freshDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    proc = spawn(process.execPath, [MAIN_JS], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        SEED_DEMO: 'true',
        DEMO_PASSWORD: 'hoso-demo',
        PORT: String(port),
        DATA_DIR: db.dataDir,
        DATABASE_URL: db.databaseUrl,
        HTTP_WORKERS: '2',
        HTTP_WORKER_HANG_SECONDS: '3',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const deadline = Date.now() + 300_000; // two workers starting on MariaDB on a loaded 2-core machine
    while (!/2 HTTP workers on port/.test(out)) {
      if (proc.exitCode !== null) throw new Error(`server exited during start-up:\n${out.slice(-5000)}`);
      if (Date.now() > deadline) throw new Error(`server not ready in time:\n${out.slice(-5000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(db.dataDir, { recursive: true, force: true });
    await db.drop();
  });

  it('kills a worker whose event loop stopped, starts another, and serves every connection again', async () => {
    const [, second] = childPids(proc.pid!);
    assert.ok(second, 'two workers');
    process.kill(second, 'SIGSTOP');
    const deadline = Date.now() + 60_000;
    let pids = childPids(proc.pid!);
    while (Date.now() < deadline && (pids.includes(second) || pids.length < 2)) {
      await new Promise((r) => setTimeout(r, 250));
      pids = childPids(proc.pid!);
    }
    assert.ok(!pids.includes(second), `the stopped worker is still there:\n${out.slice(-3000)}`);
    assert.match(out, /has not turned its event loop for \d+ s/);
    // the replacement listens, then every connection is answered (round-robin reaches both workers)
    while (Date.now() < deadline && !/HTTP worker 2 .*exited|starting it again/.test(out))
      await new Promise((r) => setTimeout(r, 250));
    let ok = 0;
    for (let i = 0; i < 60 && ok < 6; i++) {
      if ((await health(url, 5000)) === 200) ok++;
      else ok = 0;
      if (!ok) await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(ok, 6, `six answers in a row:\n${out.slice(-3000)}`);
    assert.equal(childPids(proc.pid!).length, 2);
  });
});
