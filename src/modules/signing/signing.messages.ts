import { registerMessages } from '../../common/messages.js';

registerMessages({
  WRONG_PIN: { vi: 'Mã PIN không đúng; chưa có chữ ký nào được tạo.', en: 'Wrong PIN; nothing was signed.' },
  PIN_LOCKED: {
    vi: 'Nhập sai mã PIN quá nhiều lần; khóa ký số tạm bị khóa {minutes} phút.',
    en: 'Too many wrong PINs; the signing key is locked for {minutes} minutes.',
  },
  PIN_REQUIRED: { vi: 'Cần nhập mã PIN của khóa ký số.', en: 'The PIN of the signing key is required.' },
  NO_CERTIFICATE: {
    vi: 'Người dùng chưa có chứng thư số còn hiệu lực để ký.',
    en: 'The user has no usable signing certificate.',
  },
  AGENCY_NO_CERTIFICATE: {
    vi: 'Cơ quan chưa có chứng thư số còn hiệu lực để ký.',
    en: 'The agency has no usable signing certificate.',
  },
  CERTIFICATE_REVOKED: {
    vi: 'Chứng thư số đã bị thu hồi, không thể dùng để ký.',
    en: 'The certificate has been revoked and cannot sign.',
  },
  CERTIFICATE_EXPIRED: {
    vi: 'Chứng thư số đã hết hạn (hoặc chưa có hiệu lực), không thể dùng để ký.',
    en: 'The certificate has expired (or is not valid yet) and cannot sign.',
  },
  NOT_A_PDF: {
    vi: 'Tệp không phải PDF hợp lệ (hoặc bị hỏng, hoặc được mã hóa).',
    en: 'The file is not a valid PDF (or it is corrupt or encrypted).',
  },
  NO_PERSONAL_SIGNATURE: {
    vi: 'Văn bản chưa có chữ ký số hợp lệ của người có thẩm quyền; không thể ký số của cơ quan.',
    en: 'The document has no valid signature of the competent person; the agency cannot sign it.',
  },
  AGENCY_KEY_NOT_HELD: {
    vi: 'Chỉ người của cơ quan mới được dùng khóa ký số của cơ quan.',
    en: 'Only members of the agency may use its signing key.',
  },
  PAGE_OUT_OF_RANGE: { vi: 'Trang {page} không có trong văn bản.', en: 'Page {page} does not exist in the document.' },
  PKCS12_INVALID: {
    vi: 'Không đọc được tệp PKCS#12 (sai mật khẩu hoặc không có khóa và chứng thư RSA).',
    en: 'The PKCS#12 file cannot be read (wrong password, or no RSA key and certificate).',
  },
  CA_UNAVAILABLE: {
    vi: 'Khóa của CA thử nghiệm không có trên máy chủ này; không cấp được chứng thư.',
    en: 'The demo CA key is not available on this server; no certificate can be issued.',
  },
  TSA_FAILED: {
    vi: 'Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian: {reason}',
    en: 'The time-stamping authority did not answer correctly: {reason}',
  },
  SIGNING_PROVIDER_UNAVAILABLE: {
    vi: 'Dịch vụ ký số "{provider}" chưa được cấu hình.',
    en: 'Signing provider "{provider}" is not configured.',
  },
});
