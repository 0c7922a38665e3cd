import { parse } from 'csv-parse/sync';
import { foldVietnamese } from '../../common/vietnamese.js';
import { NOTATION, parseRetention, type Retention } from './retention.js';
import { lazyRequire } from '../../common/lazy-require.js';
import { DomainError } from '../../common/domain-error.js';
import { checkCsvLines, checkZip, SPREADSHEET_CAPS } from '../../common/input-caps.js';

const excel = lazyRequire<typeof import('exceljs')>('exceljs');

/**
 * Reads the file plan the way clerks keep it (appendix V §I): a sheet with the columns
 * "Số và ký hiệu hồ sơ | Tên đề mục và tiêu đề hồ sơ | Thời hạn bảo quản | Đơn vị/người lập hồ sơ | Ghi chú",
 * heading rows "I. TỔ CHỨC CÁN BỘ (TCCB)" and sub-heading rows "1. Tuyển dụng" with an empty notation.
 * Every row is checked before anything is written; the caller saves all or nothing.
 */
export interface ImportedLine {
  row: number;
  kind: 'heading' | 'subheading' | 'entry';
  number: string;
  abbreviation: string;
  notation: string | null;
  title: string;
  retention: Retention | null;
  unit: string;
  person: string;
  notes: string;
}

export interface ImportError {
  row: number;
  column?: string;
  code: string;
  message: string;
}

type Column = 'notation' | 'title' | 'retention' | 'unit' | 'person' | 'notes';
const DEFAULT_COLUMNS: Column[] = ['notation', 'title', 'retention', 'unit', 'person', 'notes'];

function columnOf(header: string): Column | null {
  const h = foldVietnamese(header);
  if (/ky hieu|notation/.test(h)) return 'notation';
  if (/tieu de|de muc|title/.test(h)) return 'title';
  if (/thoi han|retention/.test(h)) return 'retention';
  if (/ghi chu|note/.test(h)) return 'notes';
  if (/don vi|unit/.test(h)) return 'unit';
  if (/nguoi|person|user/.test(h)) return 'person';
  return null;
}

/** Lines of a file plan read at most: a year's plan of a large agency has a few hundred. */
export const MAX_PLAN_ROWS = 5000;

export async function readRows(content: Buffer, format: 'csv' | 'xlsx'): Promise<string[][]> {
  if (format === 'csv') {
    const text = content.toString('utf8');
    checkCsvLines(text, MAX_PLAN_ROWS);
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
    return parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: false }) as string[][];
  }
  // the archive's size and parts are checked before exceljs inflates anything (common/input-caps.ts)
  checkZip(content, SPREADSHEET_CAPS);
  const wb = new (excel().Workbook)();
  await wb.xlsx.load(content as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  const rows: string[][] = [];
  if (!ws) return rows;
  if (ws.rowCount > MAX_PLAN_ROWS)
    throw new DomainError('INPUT_TOO_LARGE', 'too-large', { reason: `more than ${MAX_PLAN_ROWS} rows` });
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(row.cellCount, 6); c++) cells.push(row.getCell(c).text ?? '');
    rows.push(cells);
  }
  return rows;
}

const HEADING = /^([IVXLCDM]+)\s*[.\-–)]\s*(.+)$/;
const SUBHEADING = /^(\d{1,3})\s*[.\-–)]\s*(.+)$/;
const ABBR_SUFFIX = /\s*\(([\p{Lu}\d]{1,15})\)\s*$/u;

export function parsePlanRows(rows: string[][]): { lines: ImportedLine[]; errors: ImportError[] } {
  const lines: ImportedLine[] = [];
  const errors: ImportError[] = [];
  let columns = DEFAULT_COLUMNS;
  let start = 0;
  const headerIdx = rows.findIndex((r) => r.filter((c) => columnOf(c ?? '')).length >= 2);
  if (headerIdx >= 0 && headerIdx < 5) {
    columns = rows[headerIdx].map((c) => columnOf(c ?? '') ?? ('notes' as Column));
    start = headerIdx + 1;
  }
  let heading: ImportedLine | null = null;
  const seen = new Map<string, number>();
  for (let i = start; i < rows.length; i++) {
    const rowNo = i + 1;
    const cell: Record<Column, string> = { notation: '', title: '', retention: '', unit: '', person: '', notes: '' };
    rows[i].forEach((v, c) => {
      const col = columns[c];
      if (col && !cell[col])
        cell[col] = String(v ?? '')
          .normalize('NFC')
          .trim();
    });
    if (Object.values(cell).every((v) => !v)) continue;
    // Column-number rows "(1) (2) (3)" under the header of the printed form.
    if (/^\(?1\)?$/.test(cell.notation) && /^\(?2\)?$/.test(cell.title)) continue;
    const base = { row: rowNo, unit: cell.unit, person: cell.person, notes: cell.notes.slice(0, 500) };
    if (!cell.notation) {
      const h = HEADING.exec(cell.title);
      if (h) {
        const abbr = ABBR_SUFFIX.exec(h[2]);
        heading = {
          ...base,
          kind: 'heading',
          number: h[1],
          abbreviation: abbr?.[1] ?? '',
          notation: null,
          title: h[2].replace(ABBR_SUFFIX, '').trim(),
          retention: null,
        };
        lines.push(heading);
        continue;
      }
      const s = SUBHEADING.exec(cell.title);
      if (s && !cell.retention) {
        if (!heading)
          errors.push({
            row: rowNo,
            column: 'title',
            code: 'SUBHEADING_WITHOUT_HEADING',
            message: 'Đề mục nhỏ phải nằm dưới một đề mục lớn (số La Mã).',
          });
        lines.push({
          ...base,
          kind: 'subheading',
          number: s[1],
          abbreviation: '',
          notation: null,
          title: s[2].trim(),
          retention: null,
        });
        continue;
      }
    }
    if (!cell.title)
      errors.push({ row: rowNo, column: 'title', code: 'TITLE_MISSING', message: 'Thiếu tiêu đề hồ sơ.' });
    if (cell.title.length > 500)
      errors.push({ row: rowNo, column: 'title', code: 'TITLE_TOO_LONG', message: 'Tiêu đề hồ sơ dài quá 500 ký tự.' });
    const notation = cell.notation.toUpperCase();
    if (!notation)
      errors.push({ row: rowNo, column: 'notation', code: 'NOTATION_MISSING', message: 'Thiếu số và ký hiệu hồ sơ.' });
    else if (!NOTATION.test(notation) || notation.length > 20)
      errors.push({
        row: rowNo,
        column: 'notation',
        code: 'NOTATION_INVALID',
        message: `Ký hiệu "${cell.notation}" không đúng dạng 01.TCCB.`,
      });
    else if (seen.has(notation))
      errors.push({
        row: rowNo,
        column: 'notation',
        code: 'NOTATION_DUPLICATE',
        message: `Ký hiệu ${notation} trùng với dòng ${seen.get(notation)}.`,
      });
    if (notation) seen.set(notation, rowNo);
    const retention = parseRetention(cell.retention);
    if (!retention)
      errors.push({
        row: rowNo,
        column: 'retention',
        code: 'RETENTION_INVALID',
        message: `Thời hạn bảo quản "${cell.retention}" phải là "Vĩnh viễn" hoặc số năm.`,
      });
    if (!heading)
      errors.push({
        row: rowNo,
        column: 'title',
        code: 'ENTRY_WITHOUT_HEADING',
        message: 'Hồ sơ phải nằm dưới một đề mục (số La Mã).',
      });
    else if (!heading.abbreviation && NOTATION.test(notation)) heading.abbreviation = notation.split('.')[1];
    lines.push({
      ...base,
      kind: 'entry',
      number: '',
      abbreviation: '',
      notation: notation || null,
      title: cell.title,
      retention,
    });
  }
  if (!lines.some((l) => l.kind === 'entry') && !errors.length)
    errors.push({ row: 0, code: 'FILE_PLAN_EMPTY', message: 'Danh mục không có hồ sơ nào.' });
  return { lines, errors };
}
