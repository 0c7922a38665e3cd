import type { Request } from 'express';
import { DomainError } from '../../common/domain-error.js';

/** Reads a binary body (application/zip, xlsx…) that the JSON/text parsers left untouched. */
export async function readRawBody(req: Request, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return req.body;
  if (typeof req.body === 'string') return Buffer.from(req.body, 'utf8');
  if (req.readableEnded) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit)
      throw new DomainError('PAYLOAD_TOO_LARGE', 'too-large', { limit: `${Math.round(limit / 1048576)} MB` });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
