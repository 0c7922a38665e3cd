import { Inject, Injectable, Optional } from '@nestjs/common';
import { DomainError } from '../../common/domain-error.js';
import type { AuthUser } from '../auth/index.js';
import { DossierDocumentSource, type FilingDocument, type FilingDocumentAccess } from './dossier-document-source.js';

/**
 * The documents module provides DossierDocumentSource; until it does (parallel development, or a stripped-down
 * installation), dossier features that need documents answer 503 DOCUMENTS_UNAVAILABLE instead of crashing boot.
 */
@Injectable()
export class DocumentAccess {
  constructor(@Optional() @Inject(DossierDocumentSource) private readonly source?: DossierDocumentSource) {}

  get available(): boolean {
    return !!this.source;
  }

  async get(ids: string[]): Promise<Map<string, FilingDocument>> {
    if (!ids.length) return new Map();
    if (!this.source) throw new DomainError('DOCUMENTS_UNAVAILABLE', 'unavailable');
    const docs = await this.source.getDocuments([...new Set(ids)]);
    return new Map(docs.map((d) => [d.id, d]));
  }

  async accessOf(user: AuthUser, ids: string[]): Promise<Map<string, FilingDocumentAccess>> {
    if (!ids.length) return new Map();
    if (!this.source) throw new DomainError('DOCUMENTS_UNAVAILABLE', 'unavailable');
    return this.source.accessOf(user, ids);
  }
}
