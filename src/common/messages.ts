/**
 * Message catalogue for API errors. Modules add their codes with registerMessages() at import time.
 * `{name}` placeholders are filled from the error's params.
 */
export type Lang = 'vi' | 'en';
type Catalogue = Record<string, { vi: string; en: string }>;

const catalogue: Catalogue = {
  NOT_FOUND: { vi: 'Không tìm thấy {entity}.', en: '{entity} not found.' },
  FORBIDDEN: { vi: 'Bạn không có quyền thực hiện thao tác này.', en: 'You are not allowed to do this.' },
  UNAUTHENTICATED: {
    vi: 'Bạn cần đăng nhập (thiếu hoặc sai mã truy cập).',
    en: 'Authentication required (missing or invalid access token).',
  },
  TOKEN_EXPIRED: {
    vi: 'Phiên đăng nhập đã hết hạn, hãy đăng nhập lại.',
    en: 'Your session has expired; log in again.',
  },
  VALIDATION_FAILED: { vi: 'Dữ liệu không hợp lệ: {fields}.', en: 'Invalid input: {fields}.' },
  BAD_JSON: { vi: 'Nội dung gửi lên không phải JSON hợp lệ.', en: 'The request body is not valid JSON.' },
  PAYLOAD_TOO_LARGE: {
    vi: 'Dữ liệu gửi lên quá lớn (tối đa {limit}).',
    en: 'The request is too large (limit {limit}).',
  },
  ROUTE_NOT_FOUND: { vi: 'Không có địa chỉ API này.', en: 'No such API route.' },
  INTERNAL: {
    vi: 'Lỗi hệ thống. Vui lòng thử lại sau hoặc báo quản trị viên.',
    en: 'Internal error. Try again later or contact the administrator.',
  },
  DATABASE_UNAVAILABLE: {
    vi: 'Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít giây.',
    en: 'The database is temporarily unavailable. Retry in a few seconds.',
  },
};

export function registerMessages(messages: Catalogue): void {
  Object.assign(catalogue, messages);
}

export function hasMessage(code: string): boolean {
  return code in catalogue;
}

export function renderMessage(code: string, params: Record<string, unknown>, lang: Lang): string {
  const entry = catalogue[code];
  if (!entry) return code;
  return entry[lang].replace(/\{(\w+)\}/g, (_, k: string) => (params[k] === undefined ? '' : String(params[k])));
}

/** Picks vi or en from an Accept-Language header; Vietnamese is the default. */
export function pickLang(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'vi';
  const prefs = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const p of prefs) {
    if (p.tag.startsWith('vi')) return 'vi';
    if (p.tag.startsWith('en')) return 'en';
  }
  return 'vi';
}
