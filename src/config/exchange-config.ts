/** Settings of the inter-agency exchange (src/modules/exchange), read with the rest of the configuration. */
export interface ExchangeConfig {
  /** Largest package accepted or built, bytes (EXCHANGE_MAX_MB, default 40). */
  maxBytes: number;
  /** First retry delay of a failed send; doubles per failure up to 1 h (EXCHANGE_RETRY_BASE_MS, default 30 s). */
  retryBaseMs: number;
  /** How often the outbox is looked at (EXCHANGE_LOOP_MS, default 5 s). */
  loopMs: number;
  /** The national axis (VXP) client, when EXCHANGE_VXP_URL is set. */
  vxp?: { url: string; systemId: string; secret: string; pollMs: number };
}

const positive = (env: NodeJS.ProcessEnv, key: string, fallback: number, problems: string[], min = 1) => {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    problems.push(`${key}: must be an integer ≥ ${min}`);
    return fallback;
  }
  return n;
};

export function loadExchangeConfig(env: NodeJS.ProcessEnv, problems: string[]): ExchangeConfig {
  const url = env.EXCHANGE_VXP_URL;
  let vxp: ExchangeConfig['vxp'];
  if (url) {
    if (!/^https?:\/\//.test(url)) problems.push('EXCHANGE_VXP_URL: must be an http(s) URL');
    if (!env.EXCHANGE_VXP_SYSTEM_ID || !env.EXCHANGE_VXP_SECRET)
      problems.push('EXCHANGE_VXP_SYSTEM_ID and EXCHANGE_VXP_SECRET are required with EXCHANGE_VXP_URL');
    vxp = {
      url: url.replace(/\/$/, ''),
      systemId: env.EXCHANGE_VXP_SYSTEM_ID ?? '',
      secret: env.EXCHANGE_VXP_SECRET ?? '',
      pollMs: positive(env, 'EXCHANGE_VXP_POLL_MS', 60_000, problems, 100),
    };
  }
  return {
    maxBytes: positive(env, 'EXCHANGE_MAX_MB', 40, problems) * 1024 * 1024,
    retryBaseMs: positive(env, 'EXCHANGE_RETRY_BASE_MS', 30_000, problems, 10),
    loopMs: positive(env, 'EXCHANGE_LOOP_MS', 5_000, problems, 10),
    vxp,
  };
}
