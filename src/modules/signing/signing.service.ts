import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/clock.js';
import { badRequest, forbidden, notFound, unprocessable } from '../../common/domain-error.js';
import { zoneOffsetMs } from '../../common/business-time.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService, type AuditInput } from '../audit/index.js';
import { AgencyEntity, UserEntity } from '../organizations/index.js';
import { numberAppearance, sealAppearance, signatureAppearance, textBlockAppearance } from './appearance.js';
import { CaService } from './ca.service.js';
import { CredentialsService, toCertificateView } from './credentials.service.js';
import { addNumberField, fillNumberField, NUMBER_FIELD } from './number-field.js';
import { openForUpdate } from './pdf-incremental.js';
import { countSignatureFields, placeAndSign } from './pdf-signer.js';
import { addDocumentTimestamp, addDss } from './ltv.js';
import { analyzePdf, embeddedCertificates, type AnalyzedSignature } from './pdf-verify.js';
import { PkiService } from './pki.controller.js';
import { PinGuard } from './pin-guard.js';
import { SignerRegistry } from './signer-registry.js';
import type { SigningCredentialEntity } from './signing-credential.entity.js';
import type {
  CertificateView,
  NumberSlot,
  PdfRect,
  SignAsAgencyInput,
  SignAsPersonInput,
  SignatureVerification,
  SignResult,
} from './signing.types.js';
import { TimestampService } from './tsa-authority.js';
import { parseCertificate, pemToDer } from './x509.js';
import './signing.messages.js';

/**
 * Digital signatures of documents (Decree 30/2020, art. 5 and appendix I): the competent person's signature
 * with the signature image, then the agency's signature as an incremental update with the seal over the left
 * third of that image, or in the top-right corner of a separate attachment. WHO may sign is decided by the
 * documents flow; this service checks that the key belongs to the signer and records each signature in the
 * audit log, inside the caller's transaction when there is one.
 */
@Injectable()
export class SigningService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ca: CaService,
    private readonly credentials: CredentialsService,
    private readonly signers: SignerRegistry,
    private readonly pins: PinGuard,
    private readonly tsa: TimestampService,
    private readonly pki: PkiService,
  ) {}

  async signAsPerson(input: SignAsPersonInput): Promise<SignResult> {
    if (!input.pin) throw badRequest('PIN_REQUIRED');
    const user = await this.tx.manager.findOne(UserEntity, { where: { id: input.userId } });
    if (!user || !user.active) throw notFound('user', input.userId);
    const credential = await this.credentials.usable('user', user.id);
    this.pins.check(credential.id);
    const upd = await openForUpdate(input.pdf);
    const pages = upd.doc.getPages();
    const pageNo = input.appearance?.page ?? pages.length;
    if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > pages.length)
      throw badRequest('PAGE_OUT_OF_RANGE', { page: pageNo });
    const page = pages[pageNo - 1];
    const { width: pw } = page.getSize();
    const rect: PdfRect = input.appearance?.rect ?? { x: pw - 60 - 150, y: 140, width: 150, height: 60 };
    if (![rect.x, rect.y, rect.width, rect.height].every(Number.isFinite) || rect.width <= 0 || rect.height <= 0)
      throw badRequest('VALIDATION_FAILED', { fields: 'appearance.rect' });
    const certify = !!input.numberField && countSignatureFields(upd) === 0;
    if (input.numberField) addNumberField(upd, input.numberField);
    const appearance = await signatureAppearance(upd.doc, {
      width: rect.width,
      height: rect.height,
      name: user.fullName,
      image: input.appearance?.image,
    });
    return this.sign({
      kind: 'person',
      upd,
      page,
      rect,
      appearance,
      credential,
      pin: input.pin,
      fieldName: `hoso-person-${countSignatureFields(upd) + 1}`,
      docMdp: certify ? 2 : undefined,
      reason: input.reason,
      location: input.location,
      actorId: user.id,
      agencyId: user.agencyId,
      documentId: input.documentId,
      deferAudit: input.deferAudit,
    });
  }

  async signAsAgency(input: SignAsAgencyInput): Promise<SignResult> {
    const actor = await this.tx.manager.findOne(UserEntity, { where: { id: input.actorUserId } });
    if (!actor || !actor.active) throw notFound('user', input.actorUserId);
    const agency = await this.tx.manager.findOne(AgencyEntity, { where: { id: input.agencyId } });
    if (!agency) throw notFound('agency', input.agencyId);
    // The agency key is held by the agency: only its own staff (the clerks, via the documents flow) apply it.
    if (actor.agencyId !== agency.id) throw forbidden('AGENCY_KEY_NOT_HELD');
    const upd = await openForUpdate(input.pdf);
    let credential: SigningCredentialEntity;
    try {
      credential = await this.credentials.usable('agency', agency.id);
    } catch (e) {
      if (!this.config.seedDemo || (e as { code?: string }).code !== 'AGENCY_NO_CERTIFICATE') throw e;
      credential = await this.credentials.issue(
        { type: 'agency', id: agency.id, agencyId: agency.id },
        this.config.demoPassword,
        null,
      );
    }
    const pin = this.credentials.defaultPin(input.pin);
    const signedAt = this.clock.now();
    const pages = upd.doc.getPages();
    let page = pages[0];
    let rect: PdfRect;
    let appearance;
    let stamps: Parameters<typeof placeAndSign>[0]['stamps'];
    let numberFilled = false;
    if (input.mode === 'seal-over-signature') {
      // Decree 30/2020, art. 32: the agency signs only what the competent person has already signed.
      const personal = (await this.analyze(input.pdf)).filter((s) => s.valid && s.kind !== 'agency' && s.widget);
      const target = personal[personal.length - 1];
      if (!target?.widget) throw unprocessable('NO_PERSONAL_SIGNATURE');
      page = pages[target.widget.pageIndex];
      const d = input.sealDiameter ?? 100;
      const r = target.widget.rect;
      // Appendix I, cell 8: the seal covers about a third of the signature image, on its left.
      rect = { x: r.x + r.width / 3 - d, y: r.y + r.height / 2 - d / 2, width: d, height: d };
      appearance = await sealAppearance(upd.doc, { diameter: d, agencyName: agency.name, image: input.sealImage });
      if (fillNumberField(upd, String(input.number), input.notation)) numberFilled = true;
      else if (input.numberSlot)
        stamps = [this.numberStamp(upd.doc, pages, input.numberSlot, input.number, input.notation)];
    } else {
      // Appendix I: a separate attachment carries the agency signature top right of page 1, as text, no image.
      const notation = String(input.notation);
      const number = String(input.number);
      const full = notation.startsWith(`${number}/`) ? notation : `${number}/${notation}`;
      const block = await textBlockAppearance(upd.doc, [
        `Số, ký hiệu: ${full}`,
        `Thời gian ký: ${this.isoLocal(signedAt)}`,
      ]);
      const { width: pw, height: ph } = page.getSize();
      rect = { x: pw - 42 - block.width, y: ph - 20 - block.height, width: block.width, height: block.height };
      appearance = block.ref;
    }
    return this.sign({
      kind: 'agency',
      upd,
      page,
      rect,
      appearance,
      stamps,
      credential,
      pin,
      fieldName: `hoso-agency-${countSignatureFields(upd) + 1}`,
      reason:
        input.reason ?? (input.mode === 'attachment-corner' ? 'Ký số của cơ quan (phụ lục)' : 'Ký số của cơ quan'),
      location: input.location,
      actorId: actor.id,
      agencyId: agency.id,
      documentId: input.documentId,
      deferAudit: input.deferAudit,
      signedAt,
      extra: {
        number: String(input.number),
        notation: input.notation,
        mode: input.mode,
        ...(stamps ? { numberSlot: input.numberSlot } : {}),
        ...(numberFilled ? { numberField: NUMBER_FIELD } : {}),
      },
    });
  }

  /** Verification of every signature in the PDF (oldest first); a file that is not a PDF → 400 NOT_A_PDF. */
  async verifyPdf(pdf: Buffer): Promise<SignatureVerification[]> {
    if (!Buffer.isBuffer(pdf) || !pdf.subarray(0, 1024).includes('%PDF-')) throw badRequest('NOT_A_PDF');
    return (await this.analyze(pdf)).map(({ byteRange: _b, widget: _w, signerFingerprint: _f, ...v }) => v);
  }

  /** The user's usable certificate, issued from the demo CA when there is none (PIN: given, or DEMO_PASSWORD in demo mode). */
  async ensureUserCertificate(
    userId: string,
    opts: { pin?: string; actorUserId?: string } = {},
  ): Promise<CertificateView> {
    try {
      return toCertificateView(await this.credentials.usable('user', userId));
    } catch (e) {
      if (
        !['NO_CERTIFICATE', 'CERTIFICATE_EXPIRED', 'CERTIFICATE_REVOKED'].includes((e as { code?: string }).code ?? '')
      )
        throw e;
    }
    const user = await this.tx.manager.findOne(UserEntity, { where: { id: userId } });
    if (!user) throw notFound('user', userId);
    const pin = this.credentials.defaultPin(opts.pin);
    const row = await this.credentials.issue(
      { type: 'user', id: user.id, agencyId: user.agencyId },
      pin,
      opts.actorUserId ?? null,
    );
    return toCertificateView(row);
  }

  private analyze(pdf: Buffer): Promise<AnalyzedSignature[]> {
    return analyzePdf(pdf, {
      anchors: this.ca.anchors(),
      lookup: (fps) => this.credentials.lookup(fps),
      now: this.clock.now(),
    });
  }

  /**
   * The number written into the blank "Số:      /…" of the signed document by an annotation in the agency
   * signature's update (Decree 30/2020, art. 15 and appendix I cell 3: the clerk fills in the number at issuance;
   * the personal signature covers the earlier revision, so it stays valid; the agency signature covers the stamp).
   */
  private numberStamp(
    doc: Awaited<ReturnType<typeof openForUpdate>>['doc'],
    pages: ReturnType<Awaited<ReturnType<typeof openForUpdate>>['doc']['getPages']>,
    slot: NumberSlot,
    number: string | number,
    notation: string,
  ) {
    const { page: pageNo, x, y, size, width } = slot;
    if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > pages.length)
      throw badRequest('PAGE_OUT_OF_RANGE', { page: pageNo });
    const text = String(number).trim();
    const finite = [x, y, size, width ?? 0].every(Number.isFinite);
    if (!finite || size <= 0 || size > 72 || (width ?? 0) < 0 || !text)
      throw badRequest('VALIDATION_FAILED', { fields: 'numberSlot' });
    const a = numberAppearance(doc, { text, size, width });
    // Centred in the blank when its width is known, else starting at x.
    const left = width !== undefined ? x + (width - a.width) / 2 : x;
    return {
      page: pages[pageNo - 1],
      rect: { x: left, y: y - a.baseline, width: a.width, height: a.height },
      appearance: a.ref,
      contents: `Số: ${notation.startsWith(`${text}/`) ? notation : `${text}/${notation}`}`,
    };
  }

  /** "2026-11-25T23:55:37+07:00" in the business time zone (ISO 8601 with seconds, appendix I). */
  private isoLocal(d: Date): string {
    const off = zoneOffsetMs(d, this.config.timezone);
    const local = new Date(Math.floor(d.getTime() / 1000) * 1000 + off).toISOString().slice(0, 19);
    const m = Math.round(Math.abs(off) / 60000);
    return `${local}${off < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }

  private async sign(o: {
    kind: 'person' | 'agency';
    upd: Awaited<ReturnType<typeof openForUpdate>>;
    page: ReturnType<Awaited<ReturnType<typeof openForUpdate>>['doc']['getPages']>[number];
    rect: PdfRect;
    appearance: Awaited<ReturnType<typeof signatureAppearance>>;
    stamps?: Parameters<typeof placeAndSign>[0]['stamps'];
    credential: SigningCredentialEntity;
    pin: string;
    fieldName: string;
    docMdp?: 2;
    reason?: string;
    location?: string;
    actorId: string;
    agencyId: string;
    documentId?: string;
    deferAudit?: boolean;
    signedAt?: Date;
    extra?: Record<string, unknown>;
  }): Promise<SignResult> {
    const [leaf, ...chain] = pemToDer(o.credential.certificatePem);
    const certificate = parseCertificate(leaf);
    const signer = this.signers.get(o.credential.provider);
    const signedAt = o.signedAt ?? this.clock.now();
    const inputHash = createHash('sha256').update(o.upd.original).digest('hex');
    const timestamped = this.tsa.enabled;
    const pdf = await placeAndSign({
      upd: o.upd,
      page: o.page,
      rect: o.rect,
      appearance: o.appearance,
      stamps: o.stamps,
      fieldName: o.fieldName,
      docMdp: o.docMdp,
      signerName: certificate.commonName,
      reason: o.reason,
      location: o.location,
      signingTime: signedAt,
      certificate,
      extraCertificates: chain,
      sign: (data, digest) =>
        this.pins.run(o.credential.id, () =>
          signer.sign(
            {
              id: o.credential.id,
              provider: o.credential.provider,
              certificate: leaf,
              chain,
              keyRef: o.credential.keyRef,
            },
            o.pin,
            { data, digest, digestAlgorithm: 'sha256', description: `${o.fieldName} ${inputHash.slice(0, 16)}` },
          ),
        ),
      timestamp: timestamped ? (value) => this.tsa.timestamp(value) : undefined,
    });
    const documentHash = createHash('sha256').update(pdf).digest('hex');
    const audit: AuditInput = {
      actorId: o.actorId,
      agencyId: o.agencyId,
      action: o.kind === 'person' ? 'signing.signed' : 'signing.agency-signed',
      entityType: o.documentId ? 'document' : 'signed-pdf',
      entityId: o.documentId ?? documentHash,
      data: {
        certificateSerial: certificate.serialHex,
        certificateSubject: certificate.subject.text,
        credentialId: o.credential.id,
        field: o.fieldName,
        inputHash,
        documentHash,
        timestamped,
        ...(o.extra ?? {}),
      },
    };
    if (!o.deferAudit) await this.audit.record(audit);
    return {
      pdf,
      signedAt,
      fieldName: o.fieldName,
      signerName: certificate.commonName,
      certificateSubject: certificate.subject.text,
      certificateSerial: certificate.serialHex,
      documentHash,
      timestamped,
      ...(o.deferAudit ? { audit } : {}),
    };
  }

  /**
   * PAdES B-LTA for a signed PDF (at filing and archive transfer): the DSS with every certificate of its signatures
   * and time-stamps, the installation CA's CRL and an OCSP answer for each certificate it issued, then a document
   * time-stamp. A PDF without signatures is returned as it is.
   */
  async addLongTermValidation(pdf: Buffer): Promise<Buffer> {
    const certs = embeddedCertificates(pdf).map((d) => parseCertificate(d));
    if (!certs.length) return pdf;
    const root = this.ca.rootCertificate;
    const ours = certs.filter((c) => c.issuerDer.equals(root.subjectDer) && c.fingerprint !== root.fingerprint);
    const needsRoot = certs.some((c) => c.issuerDer.equals(root.subjectDer));
    const crl = ours.length ? await this.pki.crl() : null;
    const ocsp = ours.length ? await this.pki.ocspFor(ours.map((c) => c.serialHex)) : null;
    const tsaCert = this.tsa.certificate();
    const withDss = await addDss(pdf, {
      certificates: [...certs.map((c) => c.der), ...(needsRoot ? [root.der] : []), ...(tsaCert ? [tsaCert.der] : [])],
      crls: crl ? [crl] : [],
      ocsps: ocsp ? [ocsp] : [],
    });
    if (!this.tsa.enabled) return withDss;
    return addDocumentTimestamp(withDss, (content) => this.tsa.timestamp(content));
  }

  /** Records the audit entry of a signature made with `deferAudit` (in the caller's transaction). */
  async recordSignature(result: SignResult): Promise<void> {
    if (result.audit) await this.audit.record(result.audit);
  }
}
