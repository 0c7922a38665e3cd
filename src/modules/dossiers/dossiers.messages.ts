import { registerMessages } from '../../common/messages.js';

registerMessages({
  FILE_PLAN_APPROVED: {
    vi: 'Danh mục hồ sơ năm {year} đã được phê duyệt, không sửa được.',
    en: 'The {year} file plan is approved and can no longer be changed.',
  },
  FILE_PLAN_NOT_FOUND: { vi: 'Chưa có danh mục hồ sơ năm {year}.', en: 'There is no file plan for {year}.' },
  FILE_PLAN_EXISTS: {
    vi: 'Danh mục hồ sơ năm {year} đã có nội dung.',
    en: 'The {year} file plan already has content.',
  },
  FILE_PLAN_IN_USE: {
    vi: 'Đã có hồ sơ được lập từ danh mục năm {year}, không thể thay thế danh mục.',
    en: 'Dossiers were already opened from the {year} file plan; it cannot be replaced.',
  },
  FILE_PLAN_EMPTY: { vi: 'Danh mục hồ sơ không có hồ sơ nào.', en: 'The file plan lists no dossier.' },
  FILE_PLAN_IMPORT_INVALID: {
    vi: 'Tệp danh mục có {count} lỗi; chưa nhập dòng nào.',
    en: 'The file plan has {count} error(s); nothing was imported.',
  },
  FILE_PLAN_PARENT_INVALID: {
    vi: 'Đề mục cha không hợp lệ.',
    en: 'The parent heading is not valid.',
  },
  NOTATION_TAKEN: {
    vi: 'Ký hiệu hồ sơ {notation} đã có trong danh mục.',
    en: 'Dossier notation {notation} is already in the file plan.',
  },
  NOTATION_INVALID: {
    vi: 'Ký hiệu hồ sơ phải có dạng số.chữ viết tắt, ví dụ 01.TCCB.',
    en: 'A dossier notation looks like 01.TCCB.',
  },
  RETENTION_INVALID: {
    vi: 'Thời hạn bảo quản phải là "Vĩnh viễn" hoặc số năm.',
    en: 'Retention must be "Vĩnh viễn" (permanent) or a number of years.',
  },
  NOT_HEAD_OF_AGENCY: {
    vi: 'Chỉ người đứng đầu cơ quan được phê duyệt việc này.',
    en: 'Only the head of the agency may approve this.',
  },
  DOSSIER_CODE_TAKEN: { vi: 'Mã hồ sơ {code} đã tồn tại.', en: 'Dossier code {code} already exists.' },
  DOSSIER_SECRECY_TOO_LOW: {
    vi: 'Văn bản mật chỉ được lập vào hồ sơ mật có độ mật bằng hoặc cao hơn văn bản.',
    en: 'A secret document can only be filed into a secret dossier of at least its level.',
  },
  DOSSIER_SECRET_NOT_TRANSFERABLE: {
    vi: 'Hồ sơ {code} có tài liệu mật: giao nộp theo quy định về bảo vệ bí mật nhà nước, không qua gói nộp lưu điện tử.',
    en: 'Dossier {code} holds secret material: it is handed over under the state-secrets rules, not in an electronic transfer package.',
  },
  DOSSIER_NOT_OPEN: {
    vi: 'Hồ sơ không còn mở (trạng thái: {state}).',
    en: 'The dossier is no longer open (state: {state}).',
  },
  DOSSIER_READ_ONLY: {
    vi: 'Hồ sơ đã kết thúc hoặc đã nộp lưu, chỉ được sửa ghi chú và chế độ sử dụng.',
    en: 'The dossier is closed or archived; only notes and access rights may be corrected.',
  },
  DOSSIER_ARCHIVED: {
    vi: 'Hồ sơ đã nộp lưu, không thể thay đổi.',
    en: 'The dossier is archived and cannot be changed.',
  },
  DOSSIER_INCOMPLETE: {
    vi: 'Hồ sơ chưa đủ điều kiện kết thúc ({count} lý do).',
    en: 'The dossier cannot be closed yet ({count} reason(s)).',
  },
  DOSSIER_ITEM_EXISTS: { vi: 'Văn bản đã có trong hồ sơ.', en: 'The document is already in the dossier.' },
  DOSSIER_NOT_CLOSED: {
    vi: 'Hồ sơ {code} chưa kết thúc hoặc đã nộp lưu.',
    en: 'Dossier {code} is not closed, or already transferred.',
  },
  RETENTION_EXTENSION_TOO_LONG: {
    vi: 'Đơn vị chỉ được giữ lại hồ sơ tối đa 02 năm sau hạn nộp lưu.',
    en: 'A unit may keep a dossier at most 2 years past the transfer deadline.',
  },
  DOSSIER_NOT_EXPIRED: {
    vi: 'Hồ sơ chưa hết thời hạn bảo quản hoặc được bảo quản vĩnh viễn.',
    en: 'The dossier is permanent or its retention has not expired.',
  },
  DOSSIER_ALREADY_DESTROYED: {
    vi: 'Hồ sơ đã được hủy.',
    en: 'The dossier was already destroyed.',
  },
  TRANSFER_NOT_SUBMITTED: {
    vi: 'Đợt nộp lưu đã được xử lý ({state}).',
    en: 'The transfer was already decided ({state}).',
  },
  PACKAGE_INVALID: {
    vi: 'Gói nộp lưu không hợp lệ: {count} lỗi.',
    en: 'The transfer package is not valid: {count} problem(s).',
  },
  PACKAGE_UNREADABLE: { vi: 'Không đọc được gói nộp lưu (ZIP).', en: 'The transfer package (ZIP) is unreadable.' },
  DOCUMENTS_UNAVAILABLE: {
    vi: 'Chưa kết nối được phân hệ văn bản.',
    en: 'The documents module is not available.',
  },
});
