import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';

const MAX_FAILURES = 5;
const LOCK_MS = 15 * 60_000;

/**
 * Slows PIN guessing: after 5 wrong PINs in a row a key is locked for 15 minutes (429 PIN_LOCKED), like the
 * retry counter of a token. Kept per process (several app instances each count their own attempts).
 */
@Injectable()
export class PinGuard {
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(private readonly clock: Clock) {}

  check(credentialId: string): void {
    const f = this.failures.get(credentialId);
    if (f && f.lockedUntil > this.clock.now().getTime())
      throw new DomainError('PIN_LOCKED', 'too-many', { minutes: Math.ceil(LOCK_MS / 60_000) });
  }

  async run<T>(credentialId: string, work: () => Promise<T>): Promise<T> {
    this.check(credentialId);
    try {
      const result = await work();
      this.failures.delete(credentialId);
      return result;
    } catch (e) {
      if (e instanceof DomainError && e.code === 'WRONG_PIN') {
        const f = this.failures.get(credentialId) ?? { count: 0, lockedUntil: 0 };
        f.count += 1;
        if (f.count >= MAX_FAILURES) {
          f.count = 0;
          f.lockedUntil = this.clock.now().getTime() + LOCK_MS;
        }
        this.failures.set(credentialId, f);
      }
      throw e;
    }
  }
}
