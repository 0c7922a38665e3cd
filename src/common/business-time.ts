/**
 * Business dates are reckoned in the agency's time zone (Asia/Ho_Chi_Minh by default): numbering restarts on
 * 1 January local time (Decree 30/2020, art. 15), and deadlines count Vietnamese working days.
 */
export function localParts(
  date: Date,
  timeZone: string,
): { year: number; month: number; day: number; weekday: number } {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
  });
  const parts = Object.fromEntries(fmt.formatToParts(date).map((p) => [p.type, p.value]));
  const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: weekdays.indexOf(parts.weekday),
  };
}

export function businessYear(date: Date, timeZone: string): number {
  return localParts(date, timeZone).year;
}

/** yyyy-MM-dd of the date in the zone. */
export function localIsoDate(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** dd/MM/yyyy, the Vietnamese display form. */
export function formatViDate(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  return `${String(p.day).padStart(2, '0')}/${String(p.month).padStart(2, '0')}/${p.year}`;
}

/** "ngày 25 tháng 11 năm 2026" (Decree 30/2020, appendix I: days below 10 and months below 3 take a leading zero). */
export function formatViLongDate(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  const d = p.day < 10 ? `0${p.day}` : String(p.day);
  const m = p.month < 3 ? `0${p.month}` : String(p.month);
  return `ngày ${d} tháng ${m} năm ${p.year}`;
}

/**
 * Adds N working days (Mon–Fri, skipping public holidays given as yyyy-MM-dd) and returns the end of that
 * working day (17:00 local time, as a UTC instant).
 */
export function addWorkingDays(start: Date, days: number, timeZone: string, holidays: readonly string[]): Date {
  const holidaySet = new Set(holidays);
  let cursor = new Date(start.getTime());
  let remaining = days;
  while (remaining > 0) {
    cursor = new Date(cursor.getTime() + 24 * 3600 * 1000);
    const p = localParts(cursor, timeZone);
    if (p.weekday === 0 || p.weekday === 6) continue;
    if (holidaySet.has(localIsoDate(cursor, timeZone))) continue;
    remaining--;
  }
  return endOfLocalDay(cursor, timeZone, 17);
}

/** The instant of hour:00 local time on the local day of `date`. */
export function endOfLocalDay(date: Date, timeZone: string, hour = 17): Date {
  const p = localParts(date, timeZone);
  const guess = Date.UTC(p.year, p.month - 1, p.day, hour, 0, 0);
  const offset = zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess - offset);
}

export function zoneOffsetMs(date: Date, timeZone: string): number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const p = Object.fromEntries(fmt.formatToParts(date).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}
