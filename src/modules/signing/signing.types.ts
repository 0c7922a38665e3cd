import type { ModificationChange, ModificationLevel } from './pdf-modifications.js';
import type { AuditInput } from '../audit/index.js';
/** Public shapes of the signing module (see index.ts). Coordinates are PDF points from the page's lower-left corner. */

export interface PdfRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the signer's signature image goes: the box between the signer's title and name (Decree 30/2020, appendix I, cell 7c). */
export interface PersonSignatureAppearance {
  /** 1-based page number; default: the last page. */
  page?: number;
  /** Default: lower right of the page (150 × 60 pt, 60 pt from the right edge, 140 pt from the bottom). */
  rect?: PdfRect;
  /** PNG of the handwritten signature (blue, transparent background); default: generated from the signer's name. */
  image?: Buffer;
}

export interface SignAsPersonInput {
  pdf: Buffer;
  userId: string;
  pin: string;
  reason?: string;
  location?: string;
  appearance?: PersonSignatureAppearance;
  /**
   * The blank "Số:      /…" of a document numbered after this signature: an empty number field is made there in
   * the signed update, filled by the agency signature (number-field.ts). The signature then certifies the
   * document with DocMDP P=2 (fill in forms and sign) when it is the document's first.
   */
  numberField?: NumberSlot;
  /** Recorded as the audit entity (entityType 'document'); without it the audit entity is the signed content hash. */
  documentId?: string;
  /**
   * Leave the audit entry to the caller: the result's `audit`, recorded by `SigningService.recordSignature` in the
   * transaction that keeps the signed PDF (a signature made ahead of that transaction is recorded only if kept).
   */
  deferAudit?: boolean;
}

export type AgencySignatureMode = 'seal-over-signature' | 'attachment-corner';

/**
 * The blank number slot of "Số:      /QĐ-SNV" on the signed document (Decree 30/2020, appendix I cell 3: the
 * number is filled in at issuance, after the competent person signed).
 */
export interface NumberSlot {
  /** 1-based page number (page 1 for the header). */
  page: number;
  /** Left end of the blank, on the text baseline. */
  x: number;
  y: number;
  /** Font size of the number line, in points. */
  size: number;
  /** Width of the blank; the number is centred in it. Default: drawn from x. */
  width?: number;
}

export interface SignAsAgencyInput {
  pdf: Buffer;
  agencyId: string;
  /** The clerk applying the agency signature (Decree 30/2020, art. 32). */
  actorUserId: string;
  /** PIN of the agency key; default for the demo: DEMO_PASSWORD (only when demo data is on). */
  pin?: string;
  /** Number and notation, shown in 'attachment-corner' mode: number 15 + notation "QĐ-UBND" → "15/QĐ-UBND". */
  number: string | number;
  notation: string;
  mode: AgencySignatureMode;
  reason?: string;
  location?: string;
  /** PNG of the seal (red, actual size, transparent); default: generated from the agency name. */
  sealImage?: Buffer;
  /** Seal diameter in points; default 100 pt (≈ 35 mm). */
  sealDiameter?: number;
  /**
   * 'seal-over-signature' only: `number` is written into the number field the personal signature prepared, or,
   * for a document signed without one, into this slot as a stamp annotation (which a strict validator's
   * modification analysis does not accept after the personal signature).
   */
  numberSlot?: NumberSlot;
  documentId?: string;
  /**
   * Leave the audit entry to the caller: the result's `audit`, recorded by `SigningService.recordSignature` in the
   * transaction that keeps the signed PDF (a signature made ahead of that transaction is recorded only if kept).
   */
  deferAudit?: boolean;
}

export interface SignResult {
  pdf: Buffer;
  signedAt: Date;
  /** Name of the signature field added (hoso-person-…, hoso-agency-…). */
  fieldName: string;
  signerName: string;
  certificateSubject: string;
  certificateSerial: string;
  /** sha256 (hex) of the signed PDF returned. */
  documentHash: string;
  timestamped: boolean;
  /** With `deferAudit`: the audit entry still to record. */
  audit?: AuditInput;
}

export interface SignatureVerification {
  /** 0-based, in file order (the first signature is the oldest). */
  index: number;
  fieldName: string | null;
  /** Common name of the signer's certificate. */
  signer: string;
  /** ISO 8601: the timestamp's time when there is one, else the signing time claimed by the signer. */
  signedAt: string | null;
  certificateSubject: string;
  certificateIssuer: string;
  certificateSerial: string;
  /** 'person' / 'agency' when the certificate is one of ours, else 'unknown'. */
  kind: 'person' | 'agency' | 'document-timestamp' | 'unknown';
  /**
   * PAdES baseline level (ETSI EN 319 142-1): B-B signed with the signing certificate attribute, B-T with a
   * signature time-stamp, B-LT with its validation data in the document (DSS), B-LTA with a document time-stamp
   * over that data. null for a document time-stamp itself.
   */
  pades: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA' | null;
  /** Revocation status of the signer's certificate at signing time, and where it was learnt. */
  revocation: {
    status: 'good' | 'revoked' | 'revoked-after-signing' | 'unknown';
    source: 'dss-ocsp' | 'dss-crl' | 'installation' | 'none';
    checkedAt: string | null;
    revokedAt: string | null;
  };
  subFilter: string | null;
  reason: string | null;
  location: string | null;
  /** Every check below passed. */
  valid: boolean;
  /** The digest of the byte range equals the signed message digest. */
  integrity: boolean;
  /** The CMS signature verifies with the certificate's public key. */
  signatureValid: boolean;
  /** The certificate chains to a trust anchor (DATA_DIR/ca/trust/*.pem or the demo root). */
  trusted: boolean;
  chain: string[];
  /** The byte range reaches the end of the file, or only incremental updates that add signatures follow. */
  coversWholeDocument: boolean;
  /** The byte range reaches the end of the file (what pdfsig calls "Total document signed"). */
  reachesEndOfFile: boolean;
  /** Content was changed inside the range, or changes a strict validator refuses were appended after it. */
  modifiedAfterSigning: boolean;
  /** Every change appended after this signature, each judged allowed or not (pdf-modifications.ts). */
  changesAfterSigning: ModificationChange[];
  changesAllowed: boolean;
  /** none, lta-updates (validation data, document time-stamps), form-filling (fields, signatures), other. */
  modificationLevel: ModificationLevel;
  /** The DocMDP permission of a certification signature (the first, when it certifies), else null. */
  docMdp: number | null;
  certificateValidAtSigningTime: boolean;
  revoked: boolean;
  /** The RFC 3161 signature time-stamp: its time, whether it covers this signature, verifies and is trusted. */
  timestamp: {
    time: string;
    imprintValid: boolean;
    signatureValid: boolean;
    trusted: boolean;
    authority: string;
  } | null;
  problems: string[];
}

export interface CertificateView {
  id: string;
  ownerType: 'user' | 'agency' | 'ca';
  ownerId: string | null;
  agencyId: string | null;
  subject: string;
  commonName: string;
  issuer: string;
  serialNumber: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  status: 'active' | 'revoked' | 'superseded';
  revokedAt: string | null;
  provider: string;
}
