import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { smtpSink } from '../support/smtp-sink.js';
import { freshDatabase } from '../support/test-app.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { client, freePort, MAIN_JS, pool, ROOT } from './support/child-server.js';

/**
 * Issue 8: the production server with HTTP_WORKERS=2 (node:cluster, src/main.ts). Both workers serve requests,
 * background work (recovery, engine scheduler, mail outbox) runs in one of them, each mail of an event is sent
 * once, and the login throttle counts failures across workers (it lives in the primary).
 */
const PROCESS_ID = 'http-workers-one-task';
const bpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="hw-defs" targetNamespace="http://hoso.local/test" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="${PROCESS_ID}" name="One task" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="Xem xét">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition assignee="=assignee" /></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
`;

/** One request on its own TCP connection, so the cluster's round-robin hands consecutive ones to other workers. */
function fresh(url: string, method: string, path: string, body?: unknown, token?: string) {
  const u = new URL(url);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        agent: false,
        headers: {
          connection: 'close',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** `node dist/src/main.js` as in production, keeping its whole log (the start-up lines are asserted on). */
async function startCluster(env: Record<string, string>) {
  const port = await freePort();
  let out = '';
  const proc: ChildProcess = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      SEED_DEMO: 'true',
      DEMO_PASSWORD: 'hoso-demo',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const deadline = Date.now() + 180_000;
  while (!/2 HTTP workers on port/.test(out)) {
    if (proc.exitCode !== null) throw new Error(`server exited during start-up:\n${out.slice(-5000)}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server not ready in time:\n${out.slice(-5000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    proc,
    log: () => out,
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

const childPids = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
/** utime + stime of a process, in clock ticks. */
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

describe('production server with two HTTP worker processes', () => {
  let server: Awaited<ReturnType<typeof startCluster>>;
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  let db: Awaited<ReturnType<typeof freshDatabase>>;

  before(async () => {
    db = await freshDatabase();
    smtp = await smtpSink();
    server = await startCluster({
      DATA_DIR: db.dataDir,
      DATABASE_URL: db.databaseUrl,
      HTTP_WORKERS: '2',
      HTTP_WORKER_HEAP_MB: '512',
      LOGIN_MAX_ATTEMPTS: '3',
      SMTP_URL: smtp.url,
    });
  });
  after(async () => {
    await server?.kill();
    await smtp?.close();
    rmSync(db.dataDir, { recursive: true, force: true });
    await db.drop();
  });

  it('given two workers, when requests arrive on new connections, then both workers serve them', async () => {
    const workers = childPids(server.proc.pid!);
    assert.equal(workers.length, 2, `expected 2 worker processes, found ${workers.join(',')}`);
    const token = await client(server.url).token('admin');
    const before = workers.map(cpuTicks);
    await pool(
      Array.from({ length: 400 }, (_, i) => i),
      8,
      async () => {
        const r = await fresh(server.url, 'GET', '/api/auth/me', undefined, token);
        assert.equal(r.status, 200);
      },
    );
    const used = workers.map((p, i) => cpuTicks(p) - before[i]);
    const total = used[0] + used[1];
    assert.ok(total > 0);
    for (const u of used) assert.ok(u >= total * 0.2, `CPU ticks per worker ${used.join(' / ')}: one did not serve`);
  });

  it('given a heap limit for HTTP workers, then each worker runs with it and the default heap growth, the primary without', () => {
    const args = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const w of childPids(server.proc.pid!))
      for (const flag of ['--max-old-space-size=512', '--heap-growing-percent=100', '--max-semi-space-size=8'])
        assert.ok(args(w).includes(flag), `${flag} missing: ${args(w).join(' ')}`);
    const primary = args(server.proc.pid!);
    assert.ok(!primary.some((a) => /^--(max-old-space-size|heap-growing-percent|max-semi-space-size)/.test(a)));
  });

  it('given an idle keep-alive connection, when the next request comes 8 s later, then it is served on that connection', async () => {
    // Node closes idle connections after 5 s (+ 1 s of grace in recent versions) unless told otherwise; a client (or
    // a proxy) sending just then gets a reset
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { hostname, port } = new URL(server.url);
    const get = () =>
      new Promise<{ status: number; localPort: number }>((resolve, reject) => {
        const req = request({ host: hostname, port, path: '/api/health', agent }, (res) => {
          const localPort = res.socket.localPort; // the connection this answer came on
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, localPort: localPort ?? -1 }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const first = await get();
      await new Promise((r) => setTimeout(r, 8000));
      const second = await get();
      assert.deepEqual([first.status, second.status], [200, 200]);
      assert.equal(second.localPort, first.localPort, 'the server closed the idle connection');
    } finally {
      agent.destroy();
    }
  });

  it('given two workers, then recovery and the engine scheduler start in one of them only', () => {
    // eslint-disable-next-line no-control-regex
    const log = server.log().replace(/\x1b\[[0-9;]*m/g, '');
    assert.equal((log.match(/recover process instances \(/g) ?? []).length, 1, log);
    assert.equal((log.match(/deploy processes \(/g) ?? []).length, 2, log);
  });

  it('given instances started through both workers, then each assignment mail is sent exactly once', async () => {
    const api = client(server.url);
    const dep = await api.call('POST', '/api/workflow/definitions', {
      as: 'admin',
      raw: bpmn,
      type: 'application/xml',
    });
    assert.equal(dep.status, 201, JSON.stringify(dep.body));
    const cv = await api.call('GET', '/api/auth/me', { as: 'cv.vp' });
    const admin = await api.token('admin');
    const N = 30;
    await pool(
      Array.from({ length: N }, (_, i) => i),
      6,
      async () => {
        const r = await fresh(
          server.url,
          'POST',
          '/api/workflow/instances',
          { processId: PROCESS_ID, variables: { assignee: cv.body.id } },
          admin,
        );
        assert.equal(r.status, 201, r.body);
      },
    );
    const tasks = await api.call('GET', '/api/tasks?scope=mine&state=open', { as: 'cv.vp' });
    const ids: string[] = tasks.body.filter((t: any) => t.processId === PROCESS_ID).map((t: any) => t.id);
    assert.equal(ids.length, N);
    const mailsOf = (id: string) => smtp.received.filter((m) => m.text?.includes(`/tasks/${id}`)).length;
    const deadline = Date.now() + 30_000;
    while (ids.some((id) => mailsOf(id) < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // both workers' outbox loops and after-commit sends had the time to send a duplicate
    await new Promise((r) => setTimeout(r, 6000));
    assert.deepEqual(
      ids.map(mailsOf),
      ids.map(() => 1),
    );
  });

  it('given failures spread over both workers, when the configured count is reached, then the next login gets 429', async () => {
    const wrong = { username: 'cv.vp', password: 'not-the-password' };
    for (let i = 0; i < 3; i++) {
      const r = await fresh(server.url, 'POST', '/api/auth/login', wrong);
      assert.equal(r.status, 401, r.body);
    }
    // with a throttle per worker (2 + 1 failures) one of these would succeed
    for (let i = 0; i < 2; i++) {
      const r = await fresh(server.url, 'POST', '/api/auth/login', { username: 'cv.vp', password: 'hoso-demo' });
      assert.equal(r.status, 429, r.body);
    }
  });
});
