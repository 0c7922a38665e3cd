import { DomainError } from '../../common/domain-error.js';

/** Key of one username tried from one client: the guesses an attacker makes at one account from one place. */
export const pairKey = (username: string, client: string) => `uc:${username.toLowerCase()}|${client}`;
/** Key of one client, whatever usernames it tries (password spraying). */
export const clientKey = (client: string) => `c:${client}`;
/** Key of current-password guesses on one account (POST /api/auth/password: whoever holds the session). */
export const passwordChangeKey = (userId: string) => `pw:${userId}`;

/**
 * Brute-force throttle for logins and password changes. A key that has failed `limit` times within the window
 * is refused with 429 for a delay that doubles with every further failure (30 s, 1 min, 2 min, … up to the
 * window): guessing slows down geometrically while a mistyped password costs little.
 *
 * Keys are per username AND client together (`uc:`), so failures from one place never lock the account's owner
 * out from another: no one can lock anyone out by guessing wrong on purpose. Per client (`c:`), with ten times
 * the limit, for spraying many usernames from one address (an office behind one address makes its own mistakes
 * with far fewer). Per account for password changes (`pw:`). A success clears the pair's failures only.
 *
 * The HTTP workers of one server share the primary's instance (cluster-channel.ts); separate app instances
 * (machines) each keep their own count, which still bounds guesses per instance.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly now: () => number = Date.now,
    private readonly baseDelayMs = 30_000,
  ) {}

  private limit(key: string): number {
    return key.startsWith('c:') ? this.max * 10 : this.max;
  }

  /** When the key may be tried again (ms epoch), or 0 when it may now. */
  private blockedUntil(key: string, t: number): number {
    const recent = (this.failures.get(key) ?? []).filter((x) => t - x < this.windowMs);
    if (recent.length) this.failures.set(key, recent);
    else this.failures.delete(key);
    const over = recent.length - this.limit(key);
    if (over < 0) return 0;
    const delay = Math.min(this.baseDelayMs * 2 ** Math.min(over, 20), this.windowMs);
    const until = recent[recent.length - 1] + delay;
    return until > t ? until : 0;
  }

  check(keys: string[]): void {
    const t = this.now();
    for (const key of keys) {
      const until = this.blockedUntil(key, t);
      if (!until) continue;
      const retryAfter = Math.max(1, Math.ceil((until - t) / 1000));
      throw new DomainError('LOGIN_THROTTLED', 'too-many', { seconds: retryAfter }, { retryAfterSeconds: retryAfter });
    }
  }

  fail(keys: string[]): void {
    const t = this.now();
    for (const key of keys) this.failures.set(key, [...(this.failures.get(key) ?? []), t].slice(-200));
    if (this.failures.size > 100_000) this.failures.clear();
  }

  succeed(keys: string[]): void {
    for (const key of keys) if (!key.startsWith('c:')) this.failures.delete(key);
  }
}
