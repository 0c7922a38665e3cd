import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import { api, login } from './server.js';

export interface LoadFigures {
  scenario: string;
  /** closed: N connections, no think time (saturation); users: N virtual users, each thinking between requests */
  model: 'closed' | 'users';
  /** connections (closed) or virtual users (users) */
  connections: number;
  requests: number;
  throughput: number; // requests per second
  p50: number; // ms
  p99: number; // ms
  non2xx: number;
  errors: number;
  /** CPU the load generator itself used, in % of one core (it shares the machine with the server) */
  generatorCpu?: number;
  /** users model: p99 without each user's first request (which also opens its TCP connection) */
  p99Connected?: number;
}

export type NextRequest = () => { method?: string; path: string; body?: unknown } | undefined;

export interface LoadOptions {
  scenario: string;
  url: string;
  connections: number;
  seconds?: number;
  amount?: number;
  token: string | (() => string);
  next: NextRequest;
}

const cpuPercent = (start: NodeJS.CpuUsage, ms: number) => {
  const u = process.cpuUsage(start);
  return Math.round(((u.user + u.system) / 1000 / ms) * 100);
};

/**
 * Closed loop (the literal "N concurrent users" read as N connections, no think time): autocannon keeps
 * every connection busy, so this measures saturation. `next()` gives each request's method, path and body
 * (rotating users, filters and ids); `amount` bounds runs that consume objects (task completion).
 */
export async function runLoad(opts: LoadOptions): Promise<LoadFigures> {
  const tokenOf = typeof opts.token === 'function' ? opts.token : () => opts.token as string;
  const cpu = process.cpuUsage();
  const t0 = Date.now();
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds ?? 10 }),
    timeout: 30,
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          const r = opts.next();
          if (!r) return undefined as unknown as Record<string, unknown>;
          return {
            ...req,
            method: r.method ?? 'GET',
            path: r.path,
            headers: { authorization: `Bearer ${tokenOf()}`, 'content-type': 'application/json' },
            body: r.body === undefined ? undefined : JSON.stringify(r.body),
          };
        },
      },
    ],
  });
  return {
    scenario: opts.scenario,
    model: 'closed',
    connections: opts.connections,
    requests: result.requests.total,
    throughput: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    generatorCpu: cpuPercent(cpu, Date.now() - t0),
  };
}

/** A pause between two measured runs, so one run's backlog (queued work, garbage) is not the next one's. */
export const drain = (ms = 2000) => new Promise<void>((r) => setTimeout(r, ms));

/** Mean think time of a virtual user between two requests (exponentially distributed). */
export const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 1000);

/**
 * Concurrent users: `connections` virtual users, each on its own keep-alive connection, sending one request,
 * reading the answer, then thinking (exponential, mean THINK_MS) before the next; so N users offer about
 * N / (THINK_MS + latency) requests per second. Users start spread over one think time. Latency is measured
 * from sending to the end of the response. Plain node:http: a light generator next to the server.
 */
export async function runUsers(opts: LoadOptions & { thinkMs?: number }): Promise<LoadFigures> {
  const tokenOf = typeof opts.token === 'function' ? opts.token : () => opts.token as string;
  const think = opts.thinkMs ?? THINK_MS;
  const url = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const latencies: number[] = [];
  const connected: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let left = opts.amount ?? Infinity;
  const cpu = process.cpuUsage();
  const t0 = Date.now();
  const end = t0 + (opts.seconds ?? 10) * 1000;
  const once = (r: { method?: string; path: string; body?: unknown }, first: boolean) =>
    new Promise<void>((resolve) => {
      const body = r.body === undefined ? undefined : JSON.stringify(r.body);
      const started = performance.now();
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: r.method ?? 'GET',
          path: r.path,
          agent,
          timeout: 30_000,
          headers: {
            authorization: `Bearer ${tokenOf()}`,
            ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - started);
            if (!first) connected.push(performance.now() - started);
            if ((res.statusCode ?? 0) >= 300) non2xx++;
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const thinkTime = () => -Math.log(1 - Math.random()) * think;
  await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      await sleep(Math.random() * think);
      for (let first = true; Date.now() < end && left > 0; first = false) {
        const r = opts.next();
        if (!r) break;
        left--;
        await once(r, first);
        await sleep(Math.min(thinkTime(), Math.max(0, end - Date.now())));
      }
    }),
  );
  agent.destroy();
  // a run bounded by `amount` may end early; otherwise it lasts `seconds` plus the last answers
  const ms = Math.min(Date.now() - t0, (opts.seconds ?? 10) * 1000);
  latencies.sort((a, b) => a - b);
  connected.sort((a, b) => a - b);
  const pct = (p: number, xs = latencies) =>
    xs.length ? Math.round(xs[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]) : 0;
  return {
    scenario: opts.scenario,
    model: 'users',
    connections: opts.connections,
    requests: latencies.length,
    throughput: Math.round(latencies.length / (ms / 1000)),
    p50: pct(0.5),
    p99: pct(0.99),
    non2xx,
    errors,
    generatorCpu: cpuPercent(cpu, Date.now() - t0),
    p99Connected: pct(0.99, connected),
  };
}

/**
 * The largest number of thinking users (so the largest offered rate) whose p99 stays under `targetMs`: doubles
 * from `start` until the target is missed, then bisects `refine` times. Returns every step measured.
 */
export async function maxUsersUnder(
  targetMs: number,
  opts: LoadOptions & { start?: number; max?: number; refine?: number },
): Promise<{ best: LoadFigures | null; steps: LoadFigures[] }> {
  const steps: LoadFigures[] = [];
  const ok = (f: LoadFigures) => f.p99 < targetMs && f.errors === 0 && f.non2xx === 0;
  let lo = 0;
  let hi = 0;
  let best: LoadFigures | null = null;
  for (let n = opts.start ?? 100; n <= (opts.max ?? 6400); n *= 2) {
    await drain();
    const f = await runUsers({ ...opts, connections: n });
    steps.push(f);
    if (ok(f)) {
      lo = n;
      best = f;
    } else {
      hi = n;
      break;
    }
  }
  for (let i = 0; i < (opts.refine ?? 2) && hi && hi - lo > 25; i++) {
    const n = Math.round((lo + hi) / 2);
    await drain();
    const f = await runUsers({ ...opts, connections: n });
    steps.push(f);
    if (ok(f)) {
      lo = n;
      best = f;
    } else hi = n;
  }
  return { best, steps };
}

export function table(rows: LoadFigures[]): string {
  const head =
    '| scenario | model | conns/users | req/s | p50 ms | p99 ms | p99 ms w/o connect | requests | non-2xx | errors | generator CPU % |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  return [
    head,
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.model} | ${r.connections} | ${r.throughput} | ${r.p50} | ${r.p99} | ${r.p99Connected ?? ''} | ${r.requests} | ${r.non2xx} | ${r.errors} | ${r.generatorCpu ?? ''} |`,
    ),
  ].join('\n');
}

/**
 * The mixed read load of bench:memory and bench:heap: a third each of inbox (staff rotating), document detail
 * and a page of the outgoing list searched for "kế hoạch" (the leader). Logs in and picks the documents itself.
 */
export async function mixedReads(
  url: string,
  bench: { leader: string; staff: string[] },
): Promise<Pick<LoadOptions, 'token' | 'next'>> {
  const leader = await login(url, bench.leader);
  const staff = await Promise.all(bench.staff.slice(0, 20).map((u) => login(url, u)));
  const list = await api(url, leader, 'GET', '/api/documents?direction=incoming&pageSize=50');
  const ids = ((list.body?.items ?? []) as { id: string }[]).map((x) => x.id);
  let i = 0;
  return {
    token: () => (i % 3 === 0 ? staff[i % staff.length] : leader),
    next: () => {
      i++;
      if (i % 3 === 0) return { path: '/api/tasks?scope=mine&state=open' };
      if (i % 3 === 1 && ids.length) return { path: `/api/documents/${ids[i % ids.length]}` };
      return { path: `/api/documents?direction=outgoing&q=${encodeURIComponent('kế hoạch')}&page=${(i % 20) + 1}` };
    },
  };
}
