import { createPrivateKey, generateKeyPair as generateKeyPairCb, KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/index.js';
import { SigningCredentialEntity } from './signing-credential.entity.js';
import {
  derToPem,
  issueCertificate,
  parseCertificate,
  pemToDer,
  type NameSpec,
  type ParsedCertificate,
} from './x509.js';

const generateKeyPair = promisify(generateKeyPairCb);
export const ROOT_SUBJECT: NameSpec = { CN: 'hoso Demo Root CA', O: 'hoso' };
const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/**
 * Keys of the demo CA and of the keys it issues: ECDSA P-256 (generated in about a millisecond, where RSA-2048
 * takes 100 ms or more; demo start-up issues a key per agency and signer). Verified by pdfsig/NSS and Acrobat.
 */
export async function newKeyPair(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return generateKeyPair('ec', { namedCurve: 'P-256' });
}

/**
 * The demo certificate authority (DATA_DIR/ca/root.pem + root.key, the certificate also in the database) and
 * the trust anchors used by verification: the demo root plus every certificate in DATA_DIR/ca/trust/*.pem
 * (e.g. the Vietnamese government root CA), re-read when that folder changes. The CA key stays on the file
 * system of the server that created it; a server without it can verify but not issue (CA_UNAVAILABLE).
 */
@Injectable()
export class CaService {
  private readonly logger = new Logger('SigningCA');
  private root?: { cert: ParsedCertificate; keyPem: string | null };
  private rootKey?: KeyObject;
  private anchorCache?: { stamp: string; anchors: ParsedCertificate[] };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  get dir(): string {
    return join(this.config.dataDir, 'ca');
  }

  /** Startup (order 20): load or create the demo root. Idempotent. */
  async ensureRoot(): Promise<void> {
    mkdirSync(join(this.dir, 'trust'), { recursive: true });
    const certFile = join(this.dir, 'root.pem');
    const keyFile = join(this.dir, 'root.key');
    const row = await this.tx.manager.findOne(SigningCredentialEntity, {
      where: { ownerType: 'ca', status: 'active' },
      order: { createdAt: 'ASC' },
    });
    const fileCert = existsSync(certFile) ? parseCertificate(pemToDer(readFileSync(certFile, 'utf8'))[0]) : null;
    const fileKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8') : null;
    if (row) {
      const cert = parseCertificate(pemToDer(row.certificatePem)[0]);
      const keyPem = fileCert?.fingerprint === cert.fingerprint ? fileKey : null;
      if (!keyPem) this.logger.warn(`demo CA key not in ${this.dir}: this server cannot issue certificates`);
      if (!fileCert) writeFileSync(certFile, row.certificatePem);
      this.root = { cert, keyPem };
      this.rootKey = undefined;
      return;
    }
    let cert = fileCert;
    let keyPem = fileCert ? fileKey : null;
    if (!cert || !keyPem) {
      const { privateKey, publicKey } = await newKeyPair();
      keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const now = this.clock.now();
      const der = issueCertificate({
        subject: ROOT_SUBJECT,
        publicKey,
        notBefore: new Date(now.getTime() - 3600_000),
        notAfter: new Date(now.getTime() + 20 * YEAR_MS),
        isCa: true,
        issuerKey: privateKey,
      });
      cert = parseCertificate(der);
      writeFileSync(keyFile, keyPem, { mode: 0o600 });
      chmodSync(keyFile, 0o600);
      writeFileSync(certFile, derToPem(der));
    }
    const rootCert = cert;
    await this.tx.run(async (m) => {
      const id = this.ids.next();
      await m.insert(SigningCredentialEntity, {
        id,
        ownerType: 'ca',
        ownerId: null,
        agencyId: null,
        provider: 'demo-ca',
        subject: rootCert.subject.text,
        issuer: rootCert.issuer.text,
        serialNumber: rootCert.serialHex,
        fingerprint: rootCert.fingerprint,
        notBefore: rootCert.notBefore,
        notAfter: rootCert.notAfter,
        certificatePem: derToPem(rootCert.der),
        keyRef: null,
        status: 'active',
        revokedAt: null,
        revocationReason: null,
        createdAt: this.clock.now(),
        createdBy: null,
      });
      await this.audit.record({
        action: 'signing.ca-created',
        entityType: 'signing-credential',
        entityId: id,
        data: { subject: rootCert.subject.text, fingerprint: rootCert.fingerprint },
      });
    });
    this.root = { cert: rootCert, keyPem };
    this.rootKey = undefined;
    this.logger.log(`demo CA created: ${certFile}`);
  }

  get rootCertificate(): ParsedCertificate {
    if (!this.root) throw new DomainError('CA_UNAVAILABLE', 'unprocessable');
    return this.root.cert;
  }

  /** Issues an end-entity certificate from the demo root, naming where its revocation status is published. */
  issue(subject: NameSpec, publicKey: KeyObject, years = 3, extKeyUsage?: string[]): ParsedCertificate {
    if (!this.root?.keyPem) throw new DomainError('CA_UNAVAILABLE', 'unprocessable');
    this.rootKey ??= createPrivateKey(this.root.keyPem);
    const now = this.clock.now();
    const der = issueCertificate({
      subject,
      publicKey,
      notBefore: new Date(now.getTime() - 3600_000),
      notAfter: new Date(Math.min(now.getTime() + years * YEAR_MS, this.root.cert.notAfter.getTime())),
      isCa: false,
      issuerCertificate: this.root.cert,
      issuerKey: this.rootKey,
      extKeyUsage,
      crlUrl: `${this.config.publicUrl}/api/pki/crl`,
      ocspUrl: `${this.config.publicUrl}/api/pki/ocsp`,
    });
    return parseCertificate(der);
  }

  /** The demo root's private key, when this server holds it (it signs CRLs, OCSP answers, TSA certificates). */
  rootPrivateKey(): KeyObject | null {
    if (!this.root?.keyPem) return null;
    return (this.rootKey ??= createPrivateKey(this.root.keyPem));
  }

  /** The demo root plus DATA_DIR/ca/trust/*.pem. */
  anchors(): ParsedCertificate[] {
    const trustDir = join(this.dir, 'trust');
    const files = existsSync(trustDir)
      ? readdirSync(trustDir).filter((f) => f.endsWith('.pem') || f.endsWith('.crt'))
      : [];
    const stamp = `${this.root?.cert.fingerprint ?? ''}|${files.length ? statSync(trustDir).mtimeMs : 0}|${files.join(',')}`;
    if (this.anchorCache?.stamp === stamp) return this.anchorCache.anchors;
    const anchors = this.root ? [this.root.cert] : [];
    for (const f of files)
      for (const der of pemToDer(readFileSync(join(trustDir, f), 'utf8')))
        try {
          anchors.push(parseCertificate(der));
        } catch {
          this.logger.warn(`ignoring unreadable trust anchor in ${f}`);
        }
    this.anchorCache = { stamp, anchors };
    return anchors;
  }
}
