import { translator, type Lang } from './i18n/index.js';

/** An API failure with the server's `{ statusCode, code, message }` (message already in our language). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, any> = {},
  ) {
    super(message);
  }
  get notAvailable(): boolean {
    return this.status === 404 && this.code === 'ROUTE_NOT_FOUND';
  }
}

const TOKEN_KEY = 'hoso.token';
export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(v: string | null) {
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  lang: 'vi' as Lang,
  onUnauthorized: () => undefined as void,
};

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { 'Accept-Language': session.lang, Accept: 'application/json', ...extra };
  if (session.token) h.Authorization = `Bearer ${session.token}`;
  return h;
}

/** Turns any response or network failure into an ApiError whose message a person can act on. */
export function toApiError(status: number, body: any): ApiError {
  const t = translator(session.lang);
  if (status === 0) return new ApiError(0, 'NETWORK', t('errNetwork'));
  if (body && typeof body === 'object' && typeof body.message === 'string') {
    const code = String(body.code ?? `HTTP_${status}`);
    const msg = code === 'ROUTE_NOT_FOUND' ? t('errNotAvailable') : body.message;
    return new ApiError(status, code, msg, body);
  }
  if (status === 401) return new ApiError(401, 'UNAUTHORIZED', t('errSession'));
  if (status === 404) return new ApiError(404, 'ROUTE_NOT_FOUND', t('errNotAvailable'));
  return new ApiError(status, `HTTP_${status}`, t('errServer', { status }));
}

export async function api<T = any>(
  method: string,
  path: string,
  body?: unknown,
  raw?: { type: string; data: BodyInit },
): Promise<T> {
  let res: Response;
  try {
    const extra: Record<string, string> = {};
    let payload: BodyInit | undefined;
    if (raw) {
      if (raw.type) extra['Content-Type'] = raw.type;
      payload = raw.data;
    } else if (body !== undefined) {
      extra['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    res = await fetch(path, { method, headers: headers(extra), body: payload });
  } catch {
    throw toApiError(0, null);
  }
  const text = await res.text();
  let parsed: any = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && session.token && path !== '/api/auth/login') session.onUnauthorized();
    throw toApiError(res.status, parsed);
  }
  return parsed as T;
}

export const get = <T = any>(path: string) => api<T>('GET', path);
export const post = <T = any>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});

/**
 * The URL for a link the browser opens itself (PDF frame, downloads, exports): the path with a download ticket
 * good for that path for a minute. The session token is never put in a URL (history, logs, Referer).
 */
export async function ticketUrl(path: string): Promise<string> {
  return (await post<{ url: string }>('/api/auth/download-tickets', { path })).url;
}

/** Multipart upload with progress (fetch has no upload progress events; XMLHttpRequest does). */
export function upload<T = any>(path: string, form: FormData, onProgress: (pct: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(toApiError(0, null));
    xhr.onload = () => {
      let body: any = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100);
        resolve(body as T);
      } else reject(toApiError(xhr.status, body));
    };
    xhr.send(form);
  });
}
