import autocannon from 'autocannon';

export interface LoadFigures {
  scenario: string;
  connections: number;
  requests: number;
  throughput: number; // requests per second
  p50: number; // ms
  p99: number; // ms
  non2xx: number;
  errors: number;
}

/**
 * One autocannon run against the server. `next()` gives each request's method, path and body (rotating users,
 * filters and ids); `amount` bounds runs that consume objects (task completion), otherwise `seconds` is used.
 */
export async function runLoad(opts: {
  scenario: string;
  url: string;
  connections: number;
  seconds?: number;
  amount?: number;
  token: string | (() => string);
  next: () => { method?: string; path: string; body?: unknown } | undefined;
}): Promise<LoadFigures> {
  const tokenOf = typeof opts.token === 'function' ? opts.token : () => opts.token as string;
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
    connections: opts.connections,
    requests: result.requests.total,
    throughput: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export function table(rows: LoadFigures[]): string {
  const head =
    '| scenario | conns | req/s | p50 ms | p99 ms | requests | non-2xx | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|';
  return [
    head,
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.connections} | ${r.throughput} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.non2xx} | ${r.errors} |`,
    ),
  ].join('\n');
}
