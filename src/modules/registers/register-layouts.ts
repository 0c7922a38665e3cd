import type { RegisterDirection } from './register.entity.js';

export interface RegisterColumn {
  key: string;
  title: string;
  /** Relative width in the printed layout. */
  width: number;
}

/** Decree 30/2020, appendix IV: "Sổ đăng ký văn bản đi", 10 columns. */
const OUTGOING: RegisterColumn[] = [
  { key: 'numberNotation', title: 'Số, ký hiệu văn bản', width: 11 },
  { key: 'date', title: 'Ngày tháng văn bản', width: 9 },
  { key: 'typeAndSubject', title: 'Tên loại và trích yếu nội dung văn bản', width: 26 },
  { key: 'signer', title: 'Người ký', width: 11 },
  { key: 'recipients', title: 'Nơi nhận văn bản', width: 14 },
  { key: 'copyHolder', title: 'Đơn vị, người nhận bản lưu', width: 9 },
  { key: 'copies', title: 'Số lượng bản', width: 5 },
  { key: 'sentDate', title: 'Ngày chuyển', width: 7 },
  { key: 'receiptSignature', title: 'Ký nhận', width: 7 },
  { key: 'notes', title: 'Ghi chú', width: 7 },
];

/** Decree 30/2020, appendix IV: "Sổ đăng ký văn bản đến", 10 columns. */
const INCOMING: RegisterColumn[] = [
  { key: 'arrivalDate', title: 'Ngày đến', width: 7 },
  { key: 'arrivalNumber', title: 'Số đến', width: 6 },
  { key: 'author', title: 'Tác giả', width: 13 },
  { key: 'numberNotation', title: 'Số, ký hiệu', width: 10 },
  { key: 'date', title: 'Ngày tháng', width: 8 },
  { key: 'typeAndSubject', title: 'Tên loại và trích yếu nội dung', width: 25 },
  { key: 'receiver', title: 'Đơn vị hoặc người nhận', width: 12 },
  { key: 'transferDate', title: 'Ngày chuyển', width: 7 },
  { key: 'receiptSignature', title: 'Ký nhận', width: 6 },
  { key: 'notes', title: 'Ghi chú', width: 6 },
];

export function registerColumns(direction: RegisterDirection): RegisterColumn[] {
  return direction === 'outgoing' ? OUTGOING : INCOMING;
}

export function registerTitle(direction: RegisterDirection): string {
  return direction === 'outgoing' ? 'SỔ ĐĂNG KÝ VĂN BẢN ĐI' : 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN';
}

/** Two digits below 10 (Decree 30/2020, appendix I §II.3: "01", "02", … "10", "11"). */
export function formatNumber(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Human name of a series. */
export function seriesName(series: string, year: number): string {
  if (series === 'administrative') return `Sổ văn bản đi năm ${year}`;
  if (series === 'secret') return `Sổ văn bản đi mật năm ${year}`;
  if (series === 'copies') return `Sổ đăng ký bản sao văn bản năm ${year}`;
  if (series.startsWith('legal:')) return `Sổ văn bản quy phạm pháp luật (${series.slice(6)}) năm ${year}`;
  if (series === 'incoming-secret') return `Sổ văn bản đến mật năm ${year}`;
  return `Sổ văn bản đến năm ${year}`;
}
