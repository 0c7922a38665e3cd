import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, STATUS_OF_KIND } from './domain-error.js';
import { hasMessage, pickLang, renderMessage } from './messages.js';
import { isDatabaseUnavailable } from '../database/db-errors.js';

/**
 * One filter for the whole API: domain errors map to 4xx by their kind, Nest's HTTP exceptions keep their
 * status, database outages become 503 with Retry-After, and anything else is a 500 without internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const lang = pickLang(req.headers['accept-language']);
    const body = this.toBody(exception, lang, res);
    if (body.statusCode >= 500 && body.code === 'INTERNAL') {
      this.logger.error(`${req.method} ${req.url}: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }

  private toBody(
    exception: unknown,
    lang: 'vi' | 'en',
    res: Response,
  ): Record<string, unknown> & { statusCode: number; code: string } {
    if (exception instanceof DomainError) {
      const retryAfter = exception.details.retryAfterSeconds;
      if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
      return {
        statusCode: STATUS_OF_KIND[exception.kind],
        code: exception.code,
        message: renderMessage(exception.code, exception.params, lang),
        ...exception.details,
      };
    }
    if (isDatabaseUnavailable(exception)) {
      res.setHeader('Retry-After', '5');
      return {
        statusCode: 503,
        code: 'DATABASE_UNAVAILABLE',
        message: renderMessage('DATABASE_UNAVAILABLE', {}, lang),
        retryAfterSeconds: 5,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse() as Record<string, unknown> | string;
      const type = typeof response === 'object' ? (response as { type?: string }).type : undefined;
      let code = status === 404 ? 'ROUTE_NOT_FOUND' : status === 413 ? 'PAYLOAD_TOO_LARGE' : `HTTP_${status}`;
      if (status === 400 && /JSON/i.test(exception.message)) code = 'BAD_JSON';
      const message = hasMessage(code)
        ? renderMessage(code, { limit: (response as { limit?: string })?.limit ?? '' }, lang)
        : typeof response === 'string'
          ? response
          : String((response as { message?: unknown }).message ?? exception.message);
      return { statusCode: status, code: type ?? code, message };
    }
    // body-parser / multer errors are plain errors with a status
    const e = exception as { status?: number; statusCode?: number; type?: string; code?: string; limit?: number };
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (status === 413 || e.code === 'LIMIT_FILE_SIZE')
        return {
          statusCode: 413,
          code: 'PAYLOAD_TOO_LARGE',
          message: renderMessage(
            'PAYLOAD_TOO_LARGE',
            { limit: e.limit ? `${Math.round(e.limit / 1048576)} MB` : '' },
            lang,
          ),
        };
      if (e.type === 'entity.parse.failed')
        return { statusCode: 400, code: 'BAD_JSON', message: renderMessage('BAD_JSON', {}, lang) };
      return { statusCode: status, code: `HTTP_${status}`, message: (exception as Error).message };
    }
    if (e?.code === 'LIMIT_FILE_SIZE')
      return {
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: renderMessage('PAYLOAD_TOO_LARGE', { limit: '' }, lang),
      };
    return { statusCode: 500, code: 'INTERNAL', message: renderMessage('INTERNAL', {}, lang) };
  }
}
