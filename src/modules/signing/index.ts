/**
 * What other modules may use from signing. Main entry: SigningService
 *   signAsPerson({ pdf, userId, pin, reason?, location?, appearance?: { page?, rect?, image? }, documentId? })
 *   signAsAgency({ pdf, agencyId, actorUserId, pin?, number, notation, mode, numberSlot?, documentId?, ... })
 *   verifyPdf(pdf) → SignatureVerification[]
 *   ensureUserCertificate(userId, { pin?, actorUserId? }) → CertificateView
 * Errors (DomainError codes): WRONG_PIN 403, PIN_REQUIRED 400, NO_CERTIFICATE / AGENCY_NO_CERTIFICATE 422,
 * CERTIFICATE_REVOKED 422, CERTIFICATE_EXPIRED 422, NOT_A_PDF 400, NO_PERSONAL_SIGNATURE 422,
 * PAGE_OUT_OF_RANGE 400, AGENCY_KEY_NOT_HELD 403, TSA_FAILED 503.
 * Audit actions: signing.signed, signing.agency-signed (entityType 'document' when documentId is given).
 */
export { SigningModule } from './signing.module.js';
export { SigningService } from './signing.service.js';
export { SignerRegistry } from './signer-registry.js';
export { Signer, type CredentialRef, type SignatureRequest, type SignatureValue } from './signer.port.js';
export type {
  AgencySignatureMode,
  CertificateView,
  NumberSlot,
  PdfRect,
  PersonSignatureAppearance,
  SignAsAgencyInput,
  SignAsPersonInput,
  SignatureVerification,
  SignResult,
} from './signing.types.js';
