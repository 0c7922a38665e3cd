import type { EntityManager } from 'typeorm';
import { ContentJobEntity } from './content.entity.js';

/** Roles of stored document files whose text is indexed (the OCR copy is indexed by the job of its original). */
const INDEXED_ROLES = new Set(['main', 'signed', 'draft', 'attachment', 'opinion']);
const INDEXED_TYPES = /^(application\/pdf|image\/(png|jpeg|tiff))$/;

/**
 * Queues the text of a just-stored document file, in the transaction that stores its row (DocumentsService.addFile):
 * the file and its job commit together or not at all.
 */
export async function enqueueContentJob(
  m: EntityManager,
  file: { id: string; documentId: string; role: string; name: string; sha256: string; mediaType: string },
  newId: () => string,
  now: Date,
): Promise<void> {
  if (!INDEXED_ROLES.has(file.role) || !INDEXED_TYPES.test(file.mediaType)) return;
  const [doc]: { agencyId: string }[] = await m.query('SELECT agency_id AS agencyId FROM document WHERE id = ?', [
    file.documentId,
  ]);
  if (!doc) return;
  await m.insert(ContentJobEntity, {
    id: newId(),
    documentId: file.documentId,
    agencyId: doc.agencyId,
    fileId: file.id,
    fileName: file.name.slice(0, 255),
    sha256: file.sha256,
    mediaType: file.mediaType,
    status: 'queued',
    mode: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    leaseUntil: null,
    progress: 0,
    pageCount: 0,
    minDpi: null,
    lowDpi: false,
    signed: false,
    outputSha256: null,
    lastError: '',
    createdAt: now,
    updatedAt: now,
  });
}

export interface ContentJobView {
  id: string;
  documentId: string;
  fileId: string;
  fileName: string;
  status: string;
  mode: string;
  progress: number;
  attempts: number;
  pageCount: number;
  minDpi: number | null;
  lowDpi: boolean;
  signed: boolean;
  ocrSha256: string | null;
  error: string | null;
  updatedAt: string;
}

export function toJobView(j: ContentJobEntity): ContentJobView {
  return {
    id: j.id,
    documentId: j.documentId,
    fileId: j.fileId,
    fileName: j.fileName,
    status: j.status,
    mode: j.mode,
    progress: j.progress,
    attempts: j.attempts,
    pageCount: j.pageCount,
    minDpi: j.minDpi,
    lowDpi: !!j.lowDpi,
    signed: !!j.signed,
    ocrSha256: j.outputSha256,
    error: j.lastError || null,
    updatedAt: new Date(j.updatedAt).toISOString(),
  };
}
