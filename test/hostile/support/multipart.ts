import type { ApiMap, Route, Schema } from './api-map.js';
import { sampleBody } from './api-map.js';

/** The multipart schema of a route (`{ type: object, properties }`, or a bare binary meaning one field `file`). */
export function multipartSchema(map: ApiMap, route: Route): Schema | undefined {
  const content = map.spec.paths[route.path]?.[route.method.toLowerCase()]?.requestBody?.content ?? {};
  return map.resolve(content['multipart/form-data']?.schema);
}

/**
 * A multipart form for a route: its documented fields with sample values, and every binary field (or the
 * conventional `file`) carrying `content` under `fileName`.
 */
export function multipartForm(
  map: ApiMap,
  schema: Schema | undefined,
  content: Uint8Array,
  fileName: string,
  type = 'application/pdf',
): FormData {
  const form = new FormData();
  const props = schema?.type === 'object' ? (schema.properties ?? {}) : {};
  const fileFields = Object.entries(props)
    .filter(([, s]) => map.resolve(s)?.format === 'binary')
    .map(([k]) => k);
  const sample = (schema?.type === 'object' ? sampleBody(map, schema) : {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(sample)) {
    if (fileFields.includes(k)) continue;
    form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  for (const field of fileFields.length ? fileFields : ['file'])
    form.append(field, new Blob([content as Uint8Array<ArrayBuffer>], { type }), fileName);
  return form;
}

/** A minimal one-page PDF, enough for routes that sniff the content type. */
export const TINY_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
