import { badRequest } from '../../common/domain-error.js';
import { foldVietnamese } from '../../common/vietnamese.js';

export interface Retention {
  permanent: boolean;
  years: number | null;
}

/** Decree 30/2020, appendix V §I.4: retention is "Vĩnh viễn" (permanent) or a number of years. */
export function parseRetention(input: unknown): Retention | null {
  if (input === null || input === undefined || input === '') return null;
  if (typeof input === 'number')
    return Number.isInteger(input) && input > 0 && input <= 100 ? { permanent: false, years: input } : null;
  if (typeof input !== 'string') return null;
  const folded = foldVietnamese(input);
  if (['vinh vien', 'permanent', 'vv'].includes(folded)) return { permanent: true, years: null };
  const m = /^(\d{1,3})\s*(nam|years?)?$/.exec(folded);
  if (!m) return null;
  const years = Number(m[1]);
  return years > 0 && years <= 100 ? { permanent: false, years } : null;
}

export function requireRetention(input: unknown): Retention {
  const r = parseRetention(input);
  if (!r) throw badRequest('RETENTION_INVALID');
  return r;
}

/** Maintenance, String(30) in appendix VI. */
export function retentionLabel(permanent: boolean, years: number | null): string | null {
  if (permanent) return 'Vĩnh viễn';
  return years ? `${years} năm` : null;
}

export const NOTATION = /^\d{1,3}\.[\p{Lu}\d]{1,15}$/u;

export function addYears(date: Date, years: number): Date {
  const d = new Date(date.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

const ROMAN: [number, string][] = [
  [1000, 'M'],
  [900, 'CM'],
  [500, 'D'],
  [400, 'CD'],
  [100, 'C'],
  [90, 'XC'],
  [50, 'L'],
  [40, 'XL'],
  [10, 'X'],
  [9, 'IX'],
  [5, 'V'],
  [4, 'IV'],
  [1, 'I'],
];

/** Headings of a file plan are numbered with Roman numerals (appendix V §I.2). */
export function toRoman(n: number): string {
  let out = '';
  for (const [v, s] of ROMAN)
    while (n >= v) {
      out += s;
      n -= v;
    }
  return out;
}
