import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/clock.js';
import { CaService } from './ca.service.js';
import { buildSignedData } from './cms.js';
import { generalizedTime, integer, nul, octets, OID, oid, seq } from './der.js';
import { requestTimestamp } from './tsa.js';
import { derToPem, KEY_PURPOSE, parseCertificate, pemToDer, type ParsedCertificate } from './x509.js';

/** hoso's time-stamp policy (an OID under a private arc; the TSTInfo must name one, RFC 3161 §2.4.2). */
export const HOSO_TSA_POLICY = '1.3.6.1.4.1.57264.1.1';

/**
 * Time-stamps (RFC 3161) for every signature (PAdES B-T) and for documents (B-LTA). With TSA_URL unset the
 * built-in authority answers: its own key and certificate (extended key purpose timeStamping only, critical,
 * as RFC 3161 §2.3 requires) under the installation's CA, in DATA_DIR/ca/tsa.pem and tsa.key, made at first use.
 * TSA_URL=https://… asks an external TSA instead; TSA_URL=none makes signatures without time-stamps.
 */
@Injectable()
export class TimestampService {
  private readonly logger = new Logger('TSA');
  private own?: { cert: ParsedCertificate; key: KeyObject } | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ca: CaService,
    private readonly clock: Clock,
  ) {}

  /** Whether signatures get a time-stamp. */
  get enabled(): boolean {
    return this.config.tsaUrl !== 'none';
  }

  /** A time-stamp token (ContentInfo DER) over sha256(data). */
  async timestamp(data: Buffer): Promise<Buffer> {
    const url = this.config.tsaUrl;
    if (url && url !== 'none') return requestTimestamp(url, data);
    const own = this.authority();
    if (!own) throw new Error('the built-in TSA has no certificate (the CA key is not on this server)');
    return issueToken(own, createHash('sha256').update(data).digest(), this.clock.now());
  }

  /** The built-in TSA's certificate (for the tests and the DSS), or null when an external TSA is used. */
  certificate(): ParsedCertificate | null {
    return this.config.tsaUrl ? null : (this.authority()?.cert ?? null);
  }

  private authority(): { cert: ParsedCertificate; key: KeyObject } | null {
    if (this.own !== undefined) return this.own;
    const certFile = join(this.ca.dir, 'tsa.pem');
    const keyFile = join(this.ca.dir, 'tsa.key');
    const root = this.ca.rootCertificate;
    if (existsSync(certFile) && existsSync(keyFile)) {
      const cert = parseCertificate(pemToDer(readFileSync(certFile, 'utf8'))[0]);
      const now = this.clock.now();
      if (cert.x509.checkIssued(root.x509) && cert.notAfter > now)
        return (this.own = { cert, key: createPrivateKey(readFileSync(keyFile, 'utf8')) });
    }
    if (!this.ca.rootPrivateKey()) return (this.own = null);
    // Key generation is synchronous here on purpose: it runs once per installation (P-256, about a millisecond).
    const { privateKey, publicKey } = newKeyPairSync();
    const cert = this.ca.issue({ CN: 'hoso Time-Stamping Authority', O: 'hoso' }, publicKey, 10, [
      KEY_PURPOSE.timeStamping,
    ]);
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    chmodSync(keyFile, 0o600);
    writeFileSync(certFile, derToPem(cert.der));
    this.logger.log(`built-in time-stamping authority certificate issued: ${certFile}`);
    return (this.own = { cert, key: privateKey });
  }
}

function newKeyPairSync() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** A granted token: TSTInfo (RFC 3161 §2.4.2) signed by the TSA with its certificate inside (certReq). */
export async function issueToken(
  tsa: { cert: ParsedCertificate; key: KeyObject },
  imprint: Buffer,
  at: Date,
  nonce?: Buffer,
): Promise<Buffer> {
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tst = seq(
    integer(1),
    oid(HOSO_TSA_POLICY),
    seq(seq(oid(OID.sha256), nul()), octets(imprint)),
    integer(serial),
    generalizedTime(at),
    ...(nonce ? [integer(nonce)] : []),
  );
  return buildSignedData({
    contentDigest: createHash('sha256').update(tst).digest(),
    signer: tsa.cert,
    extraCertificates: [],
    signingTime: at,
    sign: async (data) => ({
      signature: cryptoSign('sha256', data, tsa.key),
      algorithm: tsa.key.asymmetricKeyType === 'ec' ? 'ecdsa-sha256' : 'rsa-pkcs1v15-sha256',
    }),
    encapsulated: { contentType: OID.tstInfo, content: tst },
  });
}
