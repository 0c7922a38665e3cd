import { DomainError } from '../../common/domain-error.js';

/**
 * Login brute-force throttle: after `max` failures for one username (or one client address) within the window,
 * further attempts are refused with 429 until the window passes. The HTTP workers of one server share the
 * primary's instance (cluster-channel.ts); separate app instances (machines) each keep their own count, which
 * still bounds guesses per instance.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  check(keys: string[]): void {
    const t = this.now();
    for (const key of keys) {
      const recent = (this.failures.get(key) ?? []).filter((x) => t - x < this.windowMs);
      this.failures.set(key, recent);
      const limit = key.startsWith('ip:') ? this.max * 4 : this.max;
      if (recent.length >= limit) {
        const retryAfter = Math.ceil((recent[0] + this.windowMs - t) / 1000);
        throw new DomainError(
          'LOGIN_THROTTLED',
          'too-many',
          { seconds: retryAfter },
          { retryAfterSeconds: retryAfter },
        );
      }
    }
  }

  fail(keys: string[]): void {
    const t = this.now();
    for (const key of keys) this.failures.set(key, [...(this.failures.get(key) ?? []), t]);
    if (this.failures.size > 100_000) this.failures.clear();
  }

  succeed(keys: string[]): void {
    for (const key of keys) if (!key.startsWith('ip:')) this.failures.delete(key);
  }
}
