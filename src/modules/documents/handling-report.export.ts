import { lazyRequire } from '../../common/lazy-require.js';
import { renderTablePdf } from '../dossiers/index.js';
import type { FollowUpLine, HandlingReportService, HandlingRow } from './handling-report.service.js';

const excel = lazyRequire<typeof import('exceljs')>('exceljs');

type Report = Awaited<ReturnType<HandlingReportService['report']>>;
type FollowUp = Awaited<ReturnType<HandlingReportService['followUp']>>;

const vi = (iso: string | null) => (iso ? iso.split('-').reverse().join('/') : '');
const STATE: Record<FollowUpLine['state'], string> = {
  'on-time': 'Đã giải quyết đúng hạn',
  late: 'Đã giải quyết quá hạn',
  open: 'Đang giải quyết',
  'open-overdue': 'Đang giải quyết, quá hạn',
};
const COUNT_HEADERS = ['Tổng số', 'Đúng hạn', 'Quá hạn', 'Đang giải quyết', 'Trong đó quá hạn'];
const counts = (r: HandlingRow | Report['total']) => [r.total, r.onTime, r.late, r.open, r.openOverdue].map(String);

export function reportTitle(r: Report): string {
  return r.direction === 'incoming'
    ? 'BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN'
    : 'BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐI';
}

const FOLLOW_UP_COLUMNS = [
  { header: 'Số đến', width: 6, align: 'center' as const },
  { header: 'Thông tin văn bản đến', width: 40 },
  { header: 'Đơn vị hoặc người nhận', width: 14 },
  { header: 'Thời hạn giải quyết', width: 9 },
  { header: 'Tiến độ giải quyết', width: 13 },
  { header: 'Số, ký hiệu văn bản trả lời', width: 10 },
  { header: 'Ghi chú', width: 10 },
];
const followUpRow = (l: FollowUpLine) => [
  l.arrivalNumber === null ? '' : String(l.arrivalNumber),
  l.identification,
  l.receiver,
  vi(l.dueDate),
  STATE[l.state],
  l.replyNotation,
  l.notes,
];

/** A4 landscape in the appendix IV table layout (numbered columns), Tinos. */
export function handlingReportPdf(r: Report, agencyName: string): Promise<Buffer> {
  const rows: string[][] = [];
  for (const [label, list] of [
    ['Theo đơn vị', r.byUnit],
    ['Theo cá nhân', r.byPerson],
  ] as const) {
    rows.push([label, '', '', '', '', '']);
    for (const x of list) rows.push([x.name || '(chưa giao)', ...counts(x)]);
  }
  rows.push(['Tổng cộng', ...counts(r.total)]);
  return renderTablePdf({
    heading: [agencyName.toUpperCase()],
    title: reportTitle(r),
    subtitle: [`Từ ngày ${vi(r.from)} đến ngày ${vi(r.to)}`],
    columns: [
      { header: 'Đơn vị / cá nhân', width: 40 },
      ...COUNT_HEADERS.map((header) => ({ header, width: 12, align: 'center' as const })),
    ],
    rows,
    createdAt: new Date(r.generatedAt),
  });
}

export function followUpPdf(f: FollowUp, agencyName: string): Promise<Buffer> {
  return renderTablePdf({
    heading: [agencyName.toUpperCase()],
    title: 'SỔ THEO DÕI, GIẢI QUYẾT VĂN BẢN ĐẾN',
    subtitle: [`Từ ngày ${vi(f.from)} đến ngày ${vi(f.to)}`],
    columns: FOLLOW_UP_COLUMNS,
    rows: f.lines.map(followUpRow),
    footer: [`Tổng số: ${f.lines.length} văn bản.`],
    createdAt: new Date(f.generatedAt),
  });
}

/**
 * Cells are written as strings or numbers only, never formulas: a subject beginning with "=" stays text (the
 * spreadsheet-formula neutraliser of the exports, when merged, wraps these sheets too).
 */
export async function handlingReportXlsx(r: Report, agencyName: string): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet('Bao cao');
  ws.addRow([agencyName]);
  ws.addRow([reportTitle(r)]).font = { bold: true };
  ws.addRow([`Từ ngày ${vi(r.from)} đến ngày ${vi(r.to)}`]);
  ws.addRow([]);
  ws.addRow(['Đơn vị / cá nhân', ...COUNT_HEADERS]).font = { bold: true };
  for (const [label, list] of [
    ['Theo đơn vị', r.byUnit],
    ['Theo cá nhân', r.byPerson],
  ] as const) {
    ws.addRow([label]).font = { italic: true };
    for (const x of list) ws.addRow([x.name || '(chưa giao)', x.total, x.onTime, x.late, x.open, x.openOverdue]);
  }
  const t = r.total;
  ws.addRow(['Tổng cộng', t.total, t.onTime, t.late, t.open, t.openOverdue]).font = { bold: true };
  ws.getColumn(1).width = 40;
  for (let i = 2; i <= 6; i++) ws.getColumn(i).width = 14;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function followUpXlsx(f: FollowUp, agencyName: string): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet('So theo doi');
  ws.addRow([agencyName]);
  ws.addRow(['SỔ THEO DÕI, GIẢI QUYẾT VĂN BẢN ĐẾN']).font = { bold: true };
  ws.addRow([`Từ ngày ${vi(f.from)} đến ngày ${vi(f.to)}`]);
  ws.addRow([]);
  ws.addRow(FOLLOW_UP_COLUMNS.map((c) => c.header)).font = { bold: true };
  ws.addRow(FOLLOW_UP_COLUMNS.map((_, i) => `(${i + 1})`));
  for (const l of f.lines) ws.addRow(followUpRow(l)).alignment = { wrapText: true, vertical: 'top' };
  FOLLOW_UP_COLUMNS.forEach((c, i) => (ws.getColumn(i + 1).width = Math.max(8, c.width * 1.4)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
