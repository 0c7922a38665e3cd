import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Repository root from dist/test/faults/support. */
export const ROOT = join(__dirname, '..', '..', '..', '..');
export const MAIN_JS = join(ROOT, 'dist', 'src', 'main.js');
export const FAULT_SERVER_JS = join(ROOT, 'dist', 'test', 'faults', 'support', 'fault-server.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  url: string;
  proc: ChildProcess;
  /** Everything the process wrote (for failure messages). */
  log: () => string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a server as its own OS process (so SIGKILL is a real crash) with its own DATA_DIR and DATABASE_URL,
 * and waits until /api/health answers 200 (start-up steps such as recovery have run by then).
 */
export async function startChildServer(opts: {
  dataDir: string;
  databaseUrl: string;
  entry?: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Runs the server through another program (e.g. `unshare … sh -c '… exec "$0" "$1"'`), given node and entry. */
  launch?: (node: string, entry: string) => [string, string[]];
}): Promise<ChildServer> {
  const port = await freePort();
  let out = '';
  const [command, args] = (opts.launch ?? ((node, entry) => [node, [entry]]))(process.execPath, opts.entry ?? MAIN_JS);
  const proc = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      SEED_DEMO: 'true',
      DEMO_PASSWORD: 'hoso-demo',
      DATA_DIR: opts.dataDir,
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      // the fault fixtures' timers wait 1 s
      TIMER_MIN_INTERVAL_SECONDS: '1',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (out = (out + d).slice(-20000)));
  proc.stderr!.on('data', (d) => (out = (out + d).slice(-20000)));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`server exited during start-up:\n${out}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server not ready in time:\n${out}`);
    }
    const ok = await fetch(`${url}/api/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    proc,
    log: () => out,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await exited;
    },
  };
}

/** A small JSON client bound to one server; tokens cached per user. */
export function client(url: string) {
  const tokens = new Map<string, string>();
  const call = async (
    method: string,
    path: string,
    o: { as?: string; body?: unknown; raw?: string; type?: string } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (o.as) headers.authorization = `Bearer ${await token(o.as)}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] = o.type ?? 'application/json';
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const token = async (username: string): Promise<string> => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const res = await call('POST', '/api/auth/login', { body: { username, password: 'hoso-demo' } });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    tokens.set(username, res.body.accessToken);
    return res.body.accessToken;
  };
  return { call, token };
}

/** Runs `fn` over items with at most `n` in flight. */
export async function pool<T>(items: T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}
