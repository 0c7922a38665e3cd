/**
 * Administrative document types and their abbreviations (Decree 30/2020, art. 7 and appendix III).
 * Công văn and thư công have no abbreviation: their codes here are CV and THU; a công văn's notation is
 * `NN/ORG-UNIT` (appendix I §II.3).
 */
export interface DocumentType {
  code: string;
  name: string;
  /** Has a template for composing on the system. */
  template: boolean;
}

export const DOCUMENT_TYPES: DocumentType[] = [
  { code: 'NQ', name: 'Nghị quyết', template: false },
  { code: 'QĐ', name: 'Quyết định', template: true },
  { code: 'CT', name: 'Chỉ thị', template: false },
  { code: 'QC', name: 'Quy chế', template: false },
  { code: 'QyĐ', name: 'Quy định', template: false },
  { code: 'TC', name: 'Thông cáo', template: false },
  { code: 'TB', name: 'Thông báo', template: true },
  { code: 'HD', name: 'Hướng dẫn', template: false },
  { code: 'CTr', name: 'Chương trình', template: false },
  { code: 'KH', name: 'Kế hoạch', template: true },
  { code: 'PA', name: 'Phương án', template: false },
  { code: 'ĐA', name: 'Đề án', template: false },
  { code: 'DA', name: 'Dự án', template: false },
  { code: 'BC', name: 'Báo cáo', template: true },
  { code: 'BB', name: 'Biên bản', template: false },
  { code: 'TTr', name: 'Tờ trình', template: true },
  { code: 'HĐ', name: 'Hợp đồng', template: false },
  { code: 'CĐ', name: 'Công điện', template: false },
  { code: 'BGN', name: 'Bản ghi nhớ', template: false },
  { code: 'BTT', name: 'Bản thỏa thuận', template: false },
  { code: 'GUQ', name: 'Giấy ủy quyền', template: false },
  { code: 'GM', name: 'Giấy mời', template: false },
  { code: 'GGT', name: 'Giấy giới thiệu', template: false },
  { code: 'GNP', name: 'Giấy nghỉ phép', template: false },
  { code: 'PG', name: 'Phiếu gửi', template: false },
  { code: 'PC', name: 'Phiếu chuyển', template: false },
  { code: 'PB', name: 'Phiếu báo', template: false },
  { code: 'CV', name: 'Công văn', template: true },
  { code: 'THU', name: 'Thư công', template: false },
];

const byCode = new Map(DOCUMENT_TYPES.map((t) => [t.code.normalize('NFC'), t]));

export function findDocumentType(code: string): DocumentType | undefined {
  return byCode.get(code.normalize('NFC'));
}

export const URGENCY_RANK: Record<string, number> = { urgent: 1, 'top-urgent': 2, flash: 3 };
export const URGENCY_LABEL: Record<string, string> = { urgent: 'KHẨN', 'top-urgent': 'THƯỢNG KHẨN', flash: 'HỎA TỐC' };
export const SECRECY_LABEL: Record<string, string> = {
  confidential: 'MẬT',
  secret: 'TỐI MẬT',
  'top-secret': 'TUYỆT MẬT',
};
