import type { PDFDocument } from 'pdf-lib';
import { readDss } from './ltv.js';
import { crlSignedBy, parseCrl, parseOcspResponse } from './pki.js';
import { parseCertificate, type ParsedCertificate } from './x509.js';

/**
 * Revocation status of a signer's certificate from the validation data stored in the document (/DSS): OCSP answers
 * and CRLs signed by the certificate's issuer. This is what lets a document be checked with its CA offline, decades
 * later: the status recorded at filing or transfer, after the signature time-stamp.
 */
export interface DssRevocation {
  status: 'good' | 'revoked';
  revokedAt: Date | null;
  /** When the answer or list was made. */
  checkedAt: Date;
  source: 'dss-ocsp' | 'dss-crl';
}

export interface DocumentDss {
  certificates: ParsedCertificate[];
  status(cert: ParsedCertificate, issuers: ParsedCertificate[]): DssRevocation | null;
  hasData: boolean;
}

export function documentDss(doc: PDFDocument | null): DocumentDss {
  const data = readDss(doc);
  const certificates = data.certificates.flatMap((d) => {
    try {
      return [parseCertificate(d)];
    } catch {
      return [];
    }
  });
  const ocsps = data.ocsps.flatMap((d) => {
    try {
      const r = parseOcspResponse(d);
      return r ? [r] : [];
    } catch {
      return [];
    }
  });
  const crls = data.crls.flatMap((d) => {
    try {
      return [parseCrl(d)];
    } catch {
      return [];
    }
  });
  return {
    certificates,
    hasData: ocsps.length + crls.length > 0,
    status(cert, issuers) {
      const issuer = [...issuers, ...certificates].find((i) => i.subjectDer.equals(cert.issuerDer));
      if (!issuer) return null;
      for (const o of ocsps) {
        if (!o.signedBy(issuer)) continue;
        const r = o.responses.find((x) => x.serialHex === cert.serialHex);
        if (r?.status.status === 'good')
          return { status: 'good', revokedAt: null, checkedAt: o.producedAt, source: 'dss-ocsp' };
        if (r?.status.status === 'revoked')
          return { status: 'revoked', revokedAt: r.status.revokedAt, checkedAt: o.producedAt, source: 'dss-ocsp' };
      }
      for (const c of crls) {
        if (!crlSignedBy(c, issuer)) continue;
        const at = c.revoked.get(cert.serialHex);
        return at
          ? { status: 'revoked', revokedAt: at, checkedAt: c.thisUpdate, source: 'dss-crl' }
          : { status: 'good', revokedAt: null, checkedAt: c.thisUpdate, source: 'dss-crl' };
      }
      return null;
    },
  };
}
