import { ConcurrencyLimit } from './concurrency-limit.js';
import { DomainError } from './domain-error.js';
import { registerMessages } from './messages.js';

registerMessages({
  SERVER_BUSY: {
    vi: 'Máy chủ đang bận xử lý các yêu cầu nặng (tạo PDF, ký số, nhập, xuất tệp). Vui lòng thử lại sau {seconds} giây.',
    en: 'The server is busy with heavy requests (PDF rendering, signing, imports, exports). Try again in {seconds} seconds.',
  },
});

/** Heavy requests (render, import, export) running at once in one app process; the rest wait in line. */
export const EXPENSIVE_AT_ONCE = 2;
/** Heavy requests that may wait for a turn; the next one is answered 503 at once instead of queuing. */
export const EXPENSIVE_WAITING = 8;
const RETRY_AFTER_SECONDS = 5;

/**
 * One line for the expensive work of an app process: a PDF of 177,000 characters took ~5 s of CPU to render and
 * four at once 15 s, while reads of every user waited behind them. At most EXPENSIVE_AT_ONCE run, EXPENSIVE_WAITING
 * wait; past that the caller gets 503 SERVER_BUSY with Retry-After, and the cheap endpoints keep their turn.
 */
export class ExpensiveWork {
  private static readonly limit = new ConcurrencyLimit(EXPENSIVE_AT_ONCE);
  private static active = 0;

  static async run<T>(fn: () => Promise<T>): Promise<T> {
    if (ExpensiveWork.active >= EXPENSIVE_AT_ONCE + EXPENSIVE_WAITING)
      throw new DomainError(
        'SERVER_BUSY',
        'unavailable',
        { seconds: RETRY_AFTER_SECONDS },
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
    ExpensiveWork.active++;
    try {
      return await ExpensiveWork.limit.run(fn);
    } finally {
      ExpensiveWork.active--;
    }
  }

  /** Heavy requests running or waiting now (tests, health). */
  static get pending(): number {
    return ExpensiveWork.active;
  }
}
