import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../src/common/domain-error.js';
import { clientKey, LoginThrottle, pairKey } from '../../src/modules/auth/login-throttle.js';

/** Seconds until the keys may be tried again, 0 when they may now. */
function wait(th: LoginThrottle, keys: string[]): number {
  try {
    th.check(keys);
    return 0;
  } catch (e) {
    assert.equal((e as DomainError).code, 'LOGIN_THROTTLED');
    return (e as DomainError).details!.retryAfterSeconds as number;
  }
}

describe('login throttle', () => {
  it('given failures of one username from one client, then that pair waits longer with every further failure', () => {
    let now = 1_000_000;
    const th = new LoginThrottle(3, 15 * 60_000, () => now);
    const keys = [pairKey('Snv.TP', '10.0.0.1'), clientKey('10.0.0.1')];
    for (let i = 0; i < 3; i++) {
      assert.equal(wait(th, keys), 0);
      th.fail(keys);
    }
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const w = wait(th, keys);
      waits.push(w);
      now += w * 1000; // the attacker waits exactly as long as told, then guesses wrong again
      assert.equal(wait(th, keys), 0);
      th.fail(keys);
    }
    assert.deepEqual(waits, [30, 60, 120, 240, 480]);
  });

  it('given many failures at once, the wait is capped at the window', () => {
    const th = new LoginThrottle(3, 60 * 60_000);
    const keys = [pairKey('snv.tp', '10.0.0.1')];
    for (let i = 0; i < 12; i++) th.fail(keys);
    assert.equal(wait(th, keys), 3600);
  });

  it('given a locked pair, the same username from another client and another username from it are not locked', () => {
    const th = new LoginThrottle(3);
    const bad = [pairKey('snv.tp', '10.0.0.1'), clientKey('10.0.0.1')];
    for (let i = 0; i < 3; i++) th.fail(bad);
    assert.ok(wait(th, bad) > 0);
    assert.equal(wait(th, [pairKey('snv.tp', '10.0.0.2'), clientKey('10.0.0.2')]), 0);
    assert.equal(wait(th, [pairKey('snv.cv', '10.0.0.1'), clientKey('10.0.0.1')]), 0);
  });

  it('given one client spraying usernames, it is throttled at ten times the limit', () => {
    const th = new LoginThrottle(3);
    let refused = -1;
    for (let i = 0; i < 40 && refused < 0; i++) {
      const keys = [pairKey(`u${i}`, '10.0.0.9'), clientKey('10.0.0.9')];
      if (wait(th, keys)) refused = i;
      else th.fail(keys);
    }
    assert.equal(refused, 30);
  });

  it('given a success, the pair starts over but the client count stays', () => {
    const th = new LoginThrottle(3);
    const keys = [pairKey('snv.tp', '10.0.0.1'), clientKey('10.0.0.1')];
    th.fail(keys);
    th.fail(keys);
    th.succeed(keys);
    th.fail(keys);
    th.fail(keys);
    assert.equal(wait(th, keys), 0);
  });
});
