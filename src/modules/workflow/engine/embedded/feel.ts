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

/** Evaluates `=expr` with FEEL; a value without `=` is a static string (Zeebe semantics). */
export function evalFeel(expr: string, context: Record<string, unknown>): unknown {
  if (!isFeel(expr)) return expr;
  const body = expr.trimStart().slice(1);
  try {
    return toPlain(evaluate(body, context).value);
  } catch (e) {
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

/** Adds an ISO 8601 duration to a date (calendar months/years in UTC). */
export function addIsoDuration(from: Date, iso: string): Date {
  const m = DURATION.exec(iso.trim());
  if (!m || iso.trim() === 'P' || iso.trim().endsWith('T')) throw new Error(`invalid ISO 8601 duration "${iso}"`);
  const sign = m[1] ? -1 : 1;
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  const d = new Date(from.getTime());
  if (n(2) || n(3)) d.setUTCMonth(d.getUTCMonth() + sign * (n(2) * 12 + n(3)));
  const ms = ((n(4) * 7 + n(5)) * 86400 + n(6) * 3600 + n(7) * 60 + n(8)) * 1000;
  return new Date(d.getTime() + sign * ms);
}

export interface TimerSpec {
  dueAt: Date;
  /** For cycles: the period and the remaining repetitions after this one (-1 unbounded). */
  period?: string;
  repeatLeft?: number;
}

/** Computes the first due time of a timer definition relative to `now` (durations, dates, cycles R[n]/[start/]P…). */
export function timerDue(kind: 'timeDuration' | 'timeDate' | 'timeCycle', value: string, now: Date): TimerSpec {
  const v = value.trim();
  if (kind === 'timeDuration') return { dueAt: addIsoDuration(now, v) };
  if (kind === 'timeDate') {
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new Error(`invalid ISO 8601 date "${v}"`);
    return { dueAt: new Date(t) };
  }
  const parts = v.split('/');
  if (!/^R\d*$/.test(parts[0]) || parts.length < 2 || parts.length > 3)
    throw new Error(`unsupported timer cycle "${v}" (use R[n]/[start/]duration; cron is not supported)`);
  const count = parts[0] === 'R' ? -1 : Number(parts[0].slice(1));
  const period = parts[parts.length - 1];
  const start = parts.length === 3 ? new Date(Date.parse(parts[1])) : null;
  if (start && Number.isNaN(start.getTime())) throw new Error(`invalid start date in cycle "${v}"`);
  let due = start ?? addIsoDuration(now, period);
  while (start && due.getTime() < now.getTime()) due = addIsoDuration(due, period);
  addIsoDuration(now, period);
  return { dueAt: due, period, repeatLeft: count < 0 ? -1 : count - 1 };
}
