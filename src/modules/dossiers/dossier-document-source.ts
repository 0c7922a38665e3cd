import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/index.js';

/**
 * Contract through which the dossiers module reads documents to file them (Decree 30/2020, appendix VI).
 * Implemented and provided by DocumentsModule; dossiers never imports documents' internals.
 */
export interface FilingDocumentFile {
  name: string;
  sha256: string;
  mediaType: string;
  size: number;
  role: 'main' | 'signed' | 'attachment' | 'draft' | 'opinion' | 'scan' | 'ocr';
}

export interface FilingDocumentHistoryEntry {
  at: Date;
  actorName: string;
  action: string;
  note?: string | null;
}

export interface FilingDocument {
  id: string;
  agencyId: string;
  direction: 'incoming' | 'outgoing';
  status: string;
  final: boolean;
  signed: boolean;
  secrecy: string | null;
  typeCode: string;
  typeName: string;
  number: string | null;
  notation: string | null;
  documentDate: Date | null;
  organName: string;
  subject: string;
  language: string;
  pageCount: number;
  signerName: string | null;
  signerTitle: string | null;
  /** Appendix VI §I/§II fields beyond the common ones (optional: absent ones are not exported). */
  description?: string;
  urgencyRank?: number;
  secrecyRank?: number;
  /** Outgoing: copies issued (IssuedAmount) and recipients (To: OrganId when inside the installation). */
  issuedAmount?: number | null;
  recipients?: { organId: string | null; organName: string }[];
  /** Reply deadline (outgoing) or handling deadline (incoming). */
  dueDate?: Date | null;
  /** Incoming: arrival date and number, the receiving unit or person (ToPlaces). */
  arrivalDate?: Date | null;
  arrivalNumber?: number | null;
  toPlaces?: string;
  files: FilingDocumentFile[];
  history: FilingDocumentHistoryEntry[];
}

/** How a document is listed in a dossier (its line of the document index, before the dossier is closed). */
export interface FilingDocumentSummary {
  direction: 'incoming' | 'outgoing';
  status: string;
  typeName: string;
  number: string | null;
  notation: string | null;
  documentDate: Date | null;
  subject: string;
}

/** What a user may do with a document, by the documents module's rules, and what filing it needs to know. */
export interface FilingDocumentAccess {
  summary: FilingDocumentSummary;
  agencyId: string;
  /** Its secrecy level (null: not secret); a secret one is seen by its own readers only, wherever it is filed. */
  secrecy: string | null;
  pageCount: number;
  /** May see it (a document the user may not see is "not found"). */
  see: boolean;
  /** May hand it on to more readers (for a secret document: its leaders and clerks). */
  share: boolean;
}

export abstract class DossierDocumentSource {
  /** Returns the documents that exist among `ids` (unknown ids are omitted), in any order. */
  abstract getDocuments(ids: string[]): Promise<FilingDocument[]>;
  /** What `user` may do with each existing document among `ids` (unknown ids are omitted). */
  abstract accessOf(user: AuthUser, ids: string[]): Promise<Map<string, FilingDocumentAccess>>;
}

/**
 * The check of a dossier chosen for a document while it is drafted (`dossierId`), so that a wrong choice is
 * refused then (4xx) instead of being skipped when the flow files the document. Provided by DocumentsModule,
 * which asks it; the dossiers module fills it in (it imports documents, never the reverse). Without the dossiers
 * module there is nothing to check against, and nothing will be filed.
 */
@Injectable()
export class DossierChoiceCheck {
  private check?: (user: AuthUser, dossierId: string, secrecy: string | null) => Promise<void>;

  use(check: (user: AuthUser, dossierId: string, secrecy: string | null) => Promise<void>): void {
    this.check = check;
  }

  /** Throws the refusal (not found, not open, not secret enough) for a dossier `user` may not choose. */
  async assert(user: AuthUser, dossierId: string, secrecy: string | null): Promise<void> {
    await this.check?.(user, dossierId, secrecy);
  }
}
