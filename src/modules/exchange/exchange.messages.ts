import { registerMessages } from '../../common/messages.js';

registerMessages({
  EXCHANGE_PACKAGE_INVALID: {
    vi: 'Gói tin edXML không hợp lệ ({reason}): {detail}',
    en: 'Invalid edXML package ({reason}): {detail}',
  },
  EXCHANGE_SENDER_UNKNOWN: {
    vi: 'Cơ quan gửi {organId} không có trong danh bạ liên thông.',
    en: 'Sending organ {organId} is not in the exchange directory.',
  },
  EXCHANGE_SIGNATURE_INVALID: {
    vi: 'Chữ ký của gói tin không khớp với khóa của cơ quan gửi {organId} trong danh bạ.',
    en: 'The package signature does not match the key the directory holds for {organId}.',
  },
  EXCHANGE_RECIPIENT_UNKNOWN: {
    vi: 'Không có cơ quan nhận nào của hệ thống này trong gói tin.',
    en: 'No recipient of the package is an agency of this installation.',
  },
  EXCHANGE_PDF_REQUIRED: {
    vi: 'Gói tin văn bản phải kèm tệp PDF đã ký số.',
    en: 'A document package must carry the signed PDF.',
  },
  EXCHANGE_PDF_SIGNATURE_INVALID: {
    vi: 'Chữ ký số trên văn bản PDF không hợp lệ: {detail}',
    en: 'The PDF signature is not valid: {detail}',
  },
  EXCHANGE_ORIGINAL_UNKNOWN: {
    vi: 'Không tìm thấy văn bản {documentId} đã liên thông trước đó.',
    en: 'Document {documentId} was not exchanged before.',
  },
  EXCHANGE_NOT_FROM_EXCHANGE: {
    vi: 'Văn bản này không nhận qua liên thông.',
    en: 'This document was not received through the exchange.',
  },
  EXCHANGE_WRONG_STATE: {
    vi: 'Không thể thực hiện: trạng thái hiện tại là "{state}".',
    en: 'Not possible in the current state "{state}".',
  },
  EXCHANGE_NOT_SENT: {
    vi: 'Văn bản chưa được gửi liên thông tới cơ quan nào.',
    en: 'The document was not sent through the exchange to any agency.',
  },
  EXCHANGE_PEER_INVALID: {
    vi: 'Danh bạ liên thông, dòng {line}: {detail}',
    en: 'Exchange directory, line {line}: {detail}',
  },
  EXCHANGE_DIRECTORY_ADMIN: {
    vi: 'Chỉ quản trị viên của toàn hệ thống (cấp tỉnh) mới được sửa danh bạ liên thông.',
    en: 'Only an administrator of the whole installation (the province) may edit the exchange directory.',
  },
  EXCHANGE_PEER_EXISTS: {
    vi: 'Mã định danh {organId} đã có trong danh bạ.',
    en: 'OrganId {organId} is already in the directory.',
  },
});
