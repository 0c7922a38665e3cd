/** Display helpers: dd/MM/yyyy dates in Vietnam time, Vietnamese collation. */
const TZ = 'Asia/Ho_Chi_Minh';
const dateFmt = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false });

export function fmtDate(v?: string | null): string {
  if (!v) return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : dateFmt.format(d);
}

export function fmtDateTime(v?: string | null): string {
  if (!v) return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : `${dateFmt.format(d)} ${timeFmt.format(d)}`;
}

export const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });
export const byVi =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    collator.compare(key(a) ?? '', key(b) ?? '');

const URGENCY_RANK: Record<string, number> = { flash: 0, 'top-urgent': 1, urgent: 2 };
export const urgencyRank = (u?: string | null) => URGENCY_RANK[u ?? ''] ?? 3;

/** Inbox order: urgency first (flash > top-urgent > urgent > normal), then the earliest due date. */
export function byUrgencyAndDue(a: { urgency?: string | null; dueAt?: string | null }, b: typeof a): number {
  const u = urgencyRank(a.urgency) - urgencyRank(b.urgency);
  if (u) return u;
  const da = a.dueAt ? Date.parse(a.dueAt) : Infinity;
  const db = b.dueAt ? Date.parse(b.dueAt) : Infinity;
  return da === db ? 0 : da < db ? -1 : 1;
}

export function todayIso(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
}
