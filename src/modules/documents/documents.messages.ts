import { registerMessages } from '../../common/messages.js';

registerMessages({
  DOCUMENT_VERSION_AFTER_REVIEW: {
    vi: 'Dự thảo đã chuyển duyệt ({status}): không thể tải lên phiên bản mới. Hãy trả lại để soạn lại.',
    en: 'The draft is under review ({status}): no new version can be uploaded. Return it to drafting first.',
  },
  DOCUMENT_NOT_DRAFTER: {
    vi: 'Chỉ người soạn thảo hoặc người đang giữ bước soạn thảo, góp ý được tải lên phiên bản dự thảo.',
    en: 'Only the drafter or the holder of the current drafting or consultation step may upload a draft version.',
  },
  DOCUMENT_CHANGED_AFTER_REVIEW: {
    vi: 'Dự thảo đã thay đổi sau khi được duyệt: không ký. Hãy trả lại để duyệt lại.',
    en: 'The draft changed after it was reviewed: not signed. Return it for review again.',
  },
  DOCUMENT_TYPE_UNKNOWN: {
    vi: 'Loại văn bản "{typeCode}" không có trong danh mục (Phụ lục III Nghị định 30/2020).',
    en: 'Unknown document type "{typeCode}" (Decree 30/2020, appendix III).',
  },
  SIGNER_NOT_AUTHORISED: {
    vi: 'Người ký phải là người đứng đầu hoặc cấp phó của cơ quan.',
    en: 'The signer must be the head or a deputy head of the agency.',
  },
  USER_NOT_IN_AGENCY: {
    vi: 'Người dùng {field} không thuộc cơ quan của bạn.',
    en: 'User {field} does not belong to your agency.',
  },
  RECIPIENT_UNKNOWN: { vi: 'Không tìm thấy cơ quan nhận.', en: 'Recipient agency not found.' },
  INCOMING_NOT_PDF: {
    vi: 'Văn bản đến phải là tệp PDF hoặc ảnh quét (PNG, JPEG, TIFF).',
    en: 'An incoming document must be a PDF file or a scanned image (PNG, JPEG, TIFF).',
  },
  INCOMING_FILE_REQUIRED: {
    vi: 'Thiếu tệp văn bản (trường "file").',
    en: 'The document file (field "file") is missing.',
  },
  INCOMING_WRONG_AGENCY: {
    vi: 'Chỉ văn thư của cơ quan nhận mới được vào sổ văn bản đến của cơ quan đó.',
    en: 'Only a clerk of the receiving agency may register its incoming documents.',
  },
  DOCUMENT_NOT_EDITABLE: {
    vi: 'Văn bản ở trạng thái "{status}" không thể sửa dự thảo.',
    en: 'The document is in state "{status}"; its draft cannot be changed.',
  },
  VERSION_BAD_TYPE: {
    vi: 'Dự thảo phải là tệp DOCX hoặc PDF.',
    en: 'A draft version must be a DOCX or PDF file.',
  },
  DOCUMENT_NO_PDF: { vi: 'Văn bản chưa có bản PDF.', en: 'The document has no PDF yet.' },
  SIGNING_PIN_REQUIRED: { vi: 'Cần nhập mã PIN để ký số.', en: 'A PIN is required to sign.' },
  SIGNING_UNAVAILABLE: {
    vi: 'Dịch vụ ký số chưa sẵn sàng.',
    en: 'The signing service is not available.',
  },
});
