/**
 * Domain errors carry a code and no HTTP: the global filter maps codes to statuses and
 * renders a message in Vietnamese or English (see messages.ts).
 */
export type ErrorKind =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unprocessable'
  | 'too-many'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    public readonly code: string,
    public readonly kind: ErrorKind,
    public readonly params: Record<string, unknown> = {},
    /** Extra machine-readable detail returned to the caller (e.g. `errors`, `reasons`). */
    public readonly details: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

export const notFound = (entity: string, id?: string) => new DomainError('NOT_FOUND', 'not-found', { entity, id });
export const forbidden = (code = 'FORBIDDEN', params: Record<string, unknown> = {}) =>
  new DomainError(code, 'forbidden', params);
export const badRequest = (code: string, params: Record<string, unknown> = {}, details: Record<string, unknown> = {}) =>
  new DomainError(code, 'bad-request', params, details);
export const conflict = (code: string, params: Record<string, unknown> = {}, details: Record<string, unknown> = {}) =>
  new DomainError(code, 'conflict', params, details);
export const unprocessable = (
  code: string,
  params: Record<string, unknown> = {},
  details: Record<string, unknown> = {},
) => new DomainError(code, 'unprocessable', params, details);

export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unprocessable: 422,
  'too-many': 429,
  unavailable: 503,
};
