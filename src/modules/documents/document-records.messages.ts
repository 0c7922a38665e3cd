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
  CORRECTION_EMPTY: {
    vi: 'Không có thông tin nào thay đổi.',
    en: 'Nothing to change.',
  },
});
