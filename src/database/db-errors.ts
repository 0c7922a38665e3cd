/** Recognises errors that mean "the database is not reachable right now" (mapped to 503 + Retry-After). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'PROTOCOL_CONNECTION_LOST',
  'ETIMEDOUT',
  'EPIPE',
  'ER_CON_COUNT_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_CONNECTION_KILLED',
  'SQLITE_BUSY',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  let e = error as { code?: string; driverError?: unknown; errno?: number; message?: string } | undefined;
  for (let i = 0; e && i < 3; i++) {
    if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
    if (e.errno === 1927 || e.errno === 1053) return true; // ER_CONNECTION_KILLED, ER_SERVER_SHUTDOWN
    if (
      typeof e.message === 'string' &&
      /Connection lost|connection is in closed state|Pool is closed|Can't add new command when connection is in closed state/i.test(
        e.message,
      )
    )
      return true;
    e = e.driverError as typeof e;
  }
  return false;
}

/** Deadlocks and lock wait timeouts are retried by TransactionService. */
export function isRetryableConflict(error: unknown): boolean {
  let e = error as { code?: string; driverError?: unknown; errno?: number } | undefined;
  for (let i = 0; e && i < 3; i++) {
    if (e.code === 'ER_LOCK_DEADLOCK' || e.code === 'ER_LOCK_WAIT_TIMEOUT' || e.errno === 1213 || e.errno === 1205)
      return true;
    if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_BUSY_SNAPSHOT') return true;
    e = e.driverError as typeof e;
  }
  return false;
}

export function isUniqueViolation(error: unknown): boolean {
  let e = error as { code?: string; driverError?: unknown; errno?: number } | undefined;
  for (let i = 0; e && i < 3; i++) {
    if (e.code === 'ER_DUP_ENTRY' || e.errno === 1062) return true;
    if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
    e = e.driverError as typeof e;
  }
  return false;
}
