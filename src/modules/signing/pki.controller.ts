import { Controller, Get, HttpCode, Injectable, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { In } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { TransactionService } from '../../database/transaction.service.js';
import { Public } from '../auth/auth.decorators.js';
import { readRawBody } from '../dossiers/raw-body.js';
import { CaService } from './ca.service.js';
import {
  buildCrl,
  buildOcspResponse,
  certId,
  issuerHashes,
  ocspError,
  parseOcspRequest,
  type CertStatus,
  type RevokedEntry,
} from './pki.js';
import { SigningCredentialEntity } from './signing-credential.entity.js';

/** Revocation data of the installation's CA, made on demand from the credentials table (the CA key signs it). */
@Injectable()
export class PkiService {
  constructor(
    private readonly ca: CaService,
    private readonly tx: TransactionService,
    private readonly clock: Clock,
  ) {}

  /** The current CRL (valid one day), or null when this server does not hold the CA key. */
  async crl(): Promise<Buffer | null> {
    const key = this.ca.rootPrivateKey();
    if (!key) return null;
    const root = this.ca.rootCertificate;
    const rows = await this.tx.manager.find(SigningCredentialEntity, {
      where: { status: 'revoked', issuer: root.subject.text },
      select: { serialNumber: true, revokedAt: true },
    });
    const revoked: RevokedEntry[] = rows.map((r) => ({ serialHex: r.serialNumber, revokedAt: r.revokedAt! }));
    const now = this.clock.now();
    return buildCrl(root, key, revoked, now, new Date(now.getTime() + 24 * 3600_000));
  }

  /** Status of certificates issued by the installation's CA, by serial (unknown for any other). */
  async status(serials: string[]): Promise<Map<string, CertStatus>> {
    const root = this.ca.rootCertificate;
    const rows = serials.length
      ? await this.tx.manager.find(SigningCredentialEntity, {
          where: { serialNumber: In(serials), issuer: root.subject.text },
        })
      : [];
    const out = new Map<string, CertStatus>();
    for (const s of serials) {
      const row = rows.find((r) => r.serialNumber === s);
      out.set(
        s,
        !row
          ? { status: 'unknown' }
          : row.status === 'revoked' && row.revokedAt
            ? { status: 'revoked', revokedAt: row.revokedAt }
            : { status: 'good' },
      );
    }
    return out;
  }

  /** An OCSP answer for `serials` (CertIDs made by us), or null when this server does not hold the CA key. */
  async ocspFor(serials: string[]): Promise<Buffer | null> {
    const key = this.ca.rootPrivateKey();
    if (!key) return null;
    const root = this.ca.rootCertificate;
    const st = await this.status(serials);
    return buildOcspResponse(
      root,
      key,
      serials.map((s) => ({ certIdDer: certId(root, s), status: st.get(s)! })),
      this.clock.now(),
      null,
    );
  }

  async answer(request: Buffer): Promise<Buffer> {
    let parsed: ReturnType<typeof parseOcspRequest>;
    try {
      parsed = parseOcspRequest(request);
      if (!parsed.certIds.length || parsed.certIds.length > 20) throw new Error('bad request list');
    } catch {
      return ocspError(1);
    }
    const key = this.ca.rootPrivateKey();
    if (!key) return ocspError(6);
    const root = this.ca.rootCertificate;
    const st = await this.status(parsed.certIds.map((c) => c.serialHex));
    // A CertID naming another issuer is answered 'unknown' (RFC 6960 §2.2).
    const mine = issuerHashes(root);
    return buildOcspResponse(
      root,
      key,
      parsed.certIds.map((c) => ({
        certIdDer: c.raw,
        status: c.issuerHashes === mine ? st.get(c.serialHex)! : { status: 'unknown' },
      })),
      this.clock.now(),
      parsed.nonce,
    );
  }
}

/**
 * The URLs the installation's certificates name (cRLDistributionPoints, authorityInfoAccess): public, as RFC 5280
 * and RFC 6960 clients fetch them without credentials; they reveal only serial numbers and revocation times.
 */
@ApiTags('signing')
@Controller('api/pki')
export class PkiController {
  constructor(
    private readonly pki: PkiService,
    private readonly ca: CaService,
  ) {}

  @Public()
  @Get('crl')
  async crl(@Res() res: Response) {
    const crl = await this.pki.crl();
    if (!crl) return res.status(503).json({ statusCode: 503, code: 'CA_UNAVAILABLE', message: 'CA key not here' });
    res.setHeader('content-type', 'application/pkix-crl');
    res.setHeader('cache-control', 'max-age=300');
    res.end(crl);
  }

  @Public()
  @Get('ca.crt')
  root(@Res() res: Response) {
    res.setHeader('content-type', 'application/pkix-cert');
    res.end(this.ca.rootCertificate.der);
  }

  @Public()
  @Post('ocsp')
  @HttpCode(200)
  async ocsp(@Req() req: Request, @Res() res: Response) {
    const body = await readRawBody(req, 64 * 1024);
    res.setHeader('content-type', 'application/ocsp-response');
    res.end(await this.pki.answer(body));
  }
}
