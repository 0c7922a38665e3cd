import { registerMessages } from '../../common/messages.js';

registerMessages({
  BAD_CREDENTIALS: { vi: 'Tên đăng nhập hoặc mật khẩu không đúng.', en: 'Wrong username or password.' },
  LOGIN_THROTTLED: {
    vi: 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {seconds} giây.',
    en: 'Too many failed logins. Try again in {seconds} seconds.',
  },
  TICKET_INVALID: {
    vi: 'Liên kết tải xuống không hợp lệ hoặc đã hết hạn.',
    en: 'The download link is invalid or has expired.',
  },
  TICKET_BAD_PATH: {
    vi: 'Đường dẫn tải xuống không hợp lệ.',
    en: 'Not a path a download link can be made for.',
  },
  BAD_CURRENT_PASSWORD: { vi: 'Mật khẩu hiện tại không đúng.', en: 'The current password is wrong.' },
  ROUTE_WITHOUT_PERMISSION: {
    vi: 'Địa chỉ API chưa khai báo quyền truy cập.',
    en: 'This API route declares no permission and is refused.',
  },
});
