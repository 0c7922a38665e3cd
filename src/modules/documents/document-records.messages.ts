import { registerMessages } from '../../common/messages.js';

registerMessages({
  DOCUMENT_NOT_REGISTERED: {
    vi: 'Văn bản ở trạng thái "{status}" chưa được đăng ký nên chưa thể hiệu chỉnh thông tin.',
    en: 'The document is in state "{status}" and not registered yet; its metadata cannot be corrected.',
  },
  CORRECTION_FIELD_NOT_ALLOWED: {
    vi: 'Trường "{field}" chỉ hiệu chỉnh được đối với văn bản đến.',
    en: 'Field "{field}" can only be corrected on an incoming document.',
  },
  CORRECTION_CLERK_ONLY: {
    vi: 'Chỉ văn thư của cơ quan mới được hiệu chỉnh thông tin văn bản đã đăng ký.',
    en: "Only a clerk of the document's agency may correct a registered document's metadata.",
  },
  REPORT_PERIOD_INVALID: {
    vi: 'Khoảng thời gian báo cáo không hợp lệ (từ ngày phải trước đến ngày, tối đa 5 năm).',
    en: 'Invalid report period (from must precede to, at most 5 years).',
  },
  COPY_CLERK_ONLY: {
    vi: 'Chỉ văn thư của cơ quan mới được sao văn bản.',
    en: "Only a clerk of the document's agency may copy it.",
  },
  COPY_PAGES_REQUIRED: {
    vi: 'Trích sao cần chỉ rõ các trang được sao (ví dụ 1-2,4).',
    en: 'A partial copy (trích sao) needs the pages to copy (e.g. 1-2,4).',
  },
  COPY_PAGES_INVALID: {
    vi: 'Trang "{pages}" không có trong văn bản ({count} trang).',
    en: 'Pages "{pages}" are not in the document ({count} pages).',
  },
  ACCESS_STATS_FORBIDDEN: {
    vi: 'Chỉ lãnh đạo và người làm lưu trữ của cơ quan mới xem được thống kê truy cập.',
    en: "Only the agency's leaders and archivists see access statistics.",
  },
  CORRECTION_EMPTY: {
    vi: 'Không có thông tin nào thay đổi.',
    en: 'Nothing to change.',
  },
});
