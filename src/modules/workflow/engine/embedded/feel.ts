import { createContext, Script } from 'node:vm';
import { evaluate, parseExpression } from 'feelin';

/**
 * FEEL, the expression language of Zeebe: every attribute that starts with `=` is a FEEL expression
 * (stack trap 4: bpmn-engine would otherwise treat `=approved = true` as a truthy string).
 */
export const isFeel = (v: unknown): v is string => typeof v === 'string' && v.trimStart().startsWith('=');

export class FeelError extends Error {
  constructor(
    public readonly expression: string,
    message: string,
  ) {
    super(message);
  }
}

/** FEEL values (dates, durations) become plain JSON-friendly values. */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    const iso = (value as { iso?: unknown }).iso;
    if (typeof iso === 'string') return iso;
    if (typeof (value as { toISOString?: unknown }).toISOString === 'function') return (value as Date).toISOString();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}

/**
 * Time one FEEL evaluation may take before it is stopped (an incident at run time, a 400 at deploy). A FEEL
 * `for` over `1..1000000` took ~1 s of this machine's event loop; the expressions of our processes take < 0.1 ms.
 */
export const FEEL_BUDGET_MS = 100;

/**
 * Only these constructs can cost more than a pass over the expression and its variables: iteration (`for`,
 * `some`, `every`), ranges (`..`), user functions (recursion) and regular expressions (backtracking). Everything
 * else is evaluated directly: the guard costs ~0.12 ms per call (a watchdog thread), more than the evaluation.
 */
const COSTLY = /\b(?:for|some|every|function|matches|replace|split)\b|\.\./;
const guardContext = createContext({});
const guardScript = new Script('run()');
let guarded: (() => unknown) | undefined;
(guardContext as { run?: () => unknown }).run = () => guarded!();

/** Runs `fn` and stops it after `ms` (V8 terminates the running script, whatever realm its code comes from). */
function withBudget<T>(fn: () => T, ms: number): T {
  guarded = fn;
  try {
    return guardScript.runInContext(guardContext, { timeout: ms }) as T;
  } finally {
    guarded = undefined;
  }
}

export class FeelBudgetError extends FeelError {}

/** Whether a FEEL body (no leading `=`) has a construct that is evaluated under the budget. */
export const isCostlyFeel = (body: string): boolean => COSTLY.test(body);

/** Evaluates a FEEL body (no leading `=`), stopped past `budgetMs` when it contains a costly construct. */
export function evaluateBounded(body: string, context: Record<string, unknown>, budgetMs = FEEL_BUDGET_MS): unknown {
  if (!COSTLY.test(body)) return evaluate(body, context).value;
  try {
    return withBudget(() => evaluate(body, context).value, budgetMs);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      throw new FeelBudgetError(`=${body}`, `expression '${body}' took longer than ${budgetMs} ms and was stopped`);
    throw e;
  }
}

/** Evaluates `=expr` with FEEL; a value without `=` is a static string (Zeebe semantics). */
export function evalFeel(expr: string, context: Record<string, unknown>): unknown {
  if (!isFeel(expr)) return expr;
  const body = expr.trimStart().slice(1);
  try {
    return toPlain(evaluateBounded(body, context));
  } catch (e) {
    if (e instanceof FeelError) throw e;
    throw new FeelError(expr, `failed to evaluate expression '${body}': ${(e as Error).message}`);
  }
}

/** The syntax error of a FEEL expression, or null when it parses. */
export function feelSyntaxError(expr: string): string | null {
  if (!isFeel(expr)) return null;
  const body = expr.trimStart().slice(1);
  if (!body.trim()) return 'empty expression';
  try {
    const tree = parseExpression(body, {}, undefined);
    let bad: string | null = null;
    tree.iterate({
      enter(node) {
        if (node.type.isError && !bad) bad = `syntax error at position ${node.from}`;
      },
    });
    return bad;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Zeebe list attributes (candidateGroups, candidateUsers) are FEEL lists or comma-separated strings. */
export function toStringList(value: unknown): string[] {
  if (value === null || value === undefined || value === '') return [];
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const DURATION =
  /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

function parseDuration(iso: string): RegExpExecArray {
  const m = DURATION.exec(iso.trim());
  if (!m || iso.trim() === 'P' || iso.trim().endsWith('T')) throw new Error(`invalid ISO 8601 duration "${iso}"`);
  return m;
}

/** Adds an ISO 8601 duration to a date (calendar months/years in UTC). */
export function addIsoDuration(from: Date, iso: string): Date {
  const m = parseDuration(iso);
  const sign = m[1] ? -1 : 1;
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  const d = new Date(from.getTime());
  if (n(2) || n(3)) d.setUTCMonth(d.getUTCMonth() + sign * (n(2) * 12 + n(3)));
  const ms = ((n(4) * 7 + n(5)) * 86400 + n(6) * 3600 + n(7) * 60 + n(8)) * 1000;
  return new Date(d.getTime() + sign * ms);
}

/** The length of a duration in ms, months counted as 28 days (its shortest): for minimums, never for due times. */
export function shortestDurationMs(iso: string): number {
  const m = parseDuration(iso);
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  const ms = (((n(2) * 12 + n(3)) * 28 + n(4) * 7 + n(5)) * 86400 + n(6) * 3600 + n(7) * 60 + n(8)) * 1000;
  return m[1] ? -ms : ms;
}

/** A duration without years or months has a fixed length: its repetitions are computed, not walked. */
function fixedMs(iso: string): number | null {
  const m = parseDuration(iso);
  return m[2] || m[3] ? null : shortestDurationMs(iso);
}

/** Calendar steps walked at most (a monthly cycle from year 0001 to 9999 is ~120,000). */
const MAX_CALENDAR_STEPS = 200_000;

/**
 * The first repetition of `period` after `from` that is later than `now` (strictly), in one step for a fixed-length
 * period: walking `R/2000-01-01T00:00:00Z/PT1S` to today one second at a time took minutes, and `PT0S` forever.
 * A period shorter than `minMs` (TIMER_MIN_INTERVAL_SECONDS) repeats every `minMs` instead.
 */
export function nextRepetition(from: Date, period: string, now: Date, minMs: number, inclusive = false): Date {
  const fixed = fixedMs(period);
  const past = (t: number) => (inclusive ? t < now.getTime() : t <= now.getTime());
  if (fixed !== null || shortestDurationMs(period) < minMs) {
    const step = Math.max(fixed ?? 0, minMs, 1);
    const behind = now.getTime() - from.getTime();
    let k = behind < 0 ? 0 : Math.floor(behind / step);
    while (past(from.getTime() + k * step)) k++;
    return new Date(from.getTime() + Math.max(k, inclusive ? 0 : 1) * step);
  }
  let due = inclusive ? from : addIsoDuration(from, period);
  for (let i = 0; past(due.getTime()); i++) {
    if (i >= MAX_CALENDAR_STEPS) throw new Error(`timer cycle "${period}" repeats too often`);
    due = addIsoDuration(due, period);
  }
  return due;
}

export interface TimerSpec {
  dueAt: Date;
  /** For cycles: the period and the remaining repetitions after this one (-1 unbounded). */
  period?: string;
  repeatLeft?: number;
}

/** A timer cycle R[n]/[start/]duration, split; throws with a readable message when it is not one. */
export function parseCycle(value: string): { count: number; start: Date | null; period: string } {
  const v = value.trim();
  const parts = v.split('/');
  if (!/^R\d*$/.test(parts[0]) || parts.length < 2 || parts.length > 3)
    throw new Error(`unsupported timer cycle "${v}" (use R[n]/[start/]duration; cron is not supported)`);
  const count = parts[0] === 'R' ? -1 : Number(parts[0].slice(1));
  const period = parts[parts.length - 1];
  const start = parts.length === 3 ? new Date(Date.parse(parts[1])) : null;
  if (start && Number.isNaN(start.getTime())) throw new Error(`invalid start date in cycle "${v}"`);
  parseDuration(period);
  return { count, start, period };
}

/**
 * Computes the first due time of a timer definition relative to `now` (durations, dates, cycles R[n]/[start/]P…).
 * Durations and periods shorter than `minMs` are stretched to it: deploy refuses such literal values, this holds
 * for values that FEEL computes at run time, so no timer can fire in a loop.
 */
export function timerDue(
  kind: 'timeDuration' | 'timeDate' | 'timeCycle',
  value: string,
  now: Date,
  minMs = 0,
): TimerSpec {
  const v = value.trim();
  if (kind === 'timeDuration') {
    const due = addIsoDuration(now, v);
    return { dueAt: new Date(Math.max(due.getTime(), now.getTime() + minMs)) };
  }
  if (kind === 'timeDate') {
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new Error(`invalid ISO 8601 date "${v}"`);
    return { dueAt: new Date(t) };
  }
  const { count, start, period } = parseCycle(v);
  const dueAt = start ? nextRepetition(start, period, now, minMs, true) : nextRepetition(now, period, now, minMs);
  return { dueAt, period, repeatLeft: count < 0 ? -1 : count - 1 };
}
