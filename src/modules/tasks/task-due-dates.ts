import { addWorkingDays, endOfLocalDay } from '../../common/business-time.js';

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Due date of a task from the evaluated zeebe:taskSchedule dueDate. A duration counts Vietnamese working days
 * (weekends and public holidays skipped, ending 17:00 local time — Decree 30/2020 deadlines are in working
 * days); a duration of hours/minutes only is added as clock time; an absolute date is kept as is.
 */
export function resolveDueDate(
  value: string | Date | null | undefined,
  now: Date,
  timeZone: string,
  holidays: readonly string[],
): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  const text = value.trim().replace(/^=/, '');
  const m = DURATION.exec(text);
  if (m && text !== 'P' && text !== 'PT') {
    const days = Number(m[1] ?? 0) * 5 + Number(m[2] ?? 0);
    const ms = (Number(m[3] ?? 0) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0)) * 1000;
    if (days > 0) return new Date(addWorkingDays(now, days, timeZone, holidays).getTime() + ms);
    return new Date(now.getTime() + ms);
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) return endOfLocalDay(new Date(Date.UTC(+day[1], +day[2] - 1, +day[3], 12)), timeZone, 17);
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t);
}
