import { createHash, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { ctx, DIGEST_NAMES, generalizedTime, integer, nul, octets, OID, oid, seq, time, tlv } from './der.js';
import { derOf, fromBin, parseDer, type ParsedCertificate } from './x509.js';

/**
 * Revocation data of the installation's CA: a CRL (RFC 5280 §5) and OCSP answers (RFC 6960), both signed by the
 * CA's own key (the CA is its own OCSP responder, §2.6), served by hoso at the URLs its certificates name, and
 * embedded in documents' DSS at filing and transfer (PAdES B-LT), so they verify with the CA offline.
 */
type Node = forge.asn1.Asn1;
const kids = (n: Node): Node[] => (Array.isArray(n.value) ? (n.value as Node[]) : []);
const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';

export interface RevokedEntry {
  serialHex: string;
  revokedAt: Date;
}

const sigAlgOf = (key: KeyObject) =>
  key.asymmetricKeyType === 'ec' ? seq(oid(OID.ecdsaWithSha256)) : seq(oid(OID.sha256WithRSA), nul());
const serialBytes = (hex: string) => Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');

function signed(tbs: Buffer, key: KeyObject): Buffer {
  return seq(tbs, sigAlgOf(key), tlv(0x03, Buffer.from([0]), cryptoSign('sha256', tbs, key)));
}

export function buildCrl(
  issuer: ParsedCertificate,
  key: KeyObject,
  revoked: RevokedEntry[],
  thisUpdate: Date,
  nextUpdate: Date,
): Buffer {
  const entries = revoked.map((r) => seq(integer(serialBytes(r.serialHex)), time(r.revokedAt)));
  const crlNumber = integer(Math.floor(thisUpdate.getTime() / 1000));
  const tbs = seq(
    integer(1),
    sigAlgOf(key),
    issuer.subjectDer,
    time(thisUpdate),
    time(nextUpdate),
    ...(entries.length ? [seq(...entries)] : []),
    ctx(0, seq(seq(oid('2.5.29.20'), octets(crlNumber)))),
  );
  return signed(tbs, key);
}

export interface ParsedCrl {
  thisUpdate: Date;
  revoked: Map<string, Date>;
  tbs: Buffer;
  signature: Buffer;
  signatureAlgorithmOid: string;
}

const toDate = (n: Node) =>
  n.type === forge.asn1.Type.UTCTIME
    ? forge.asn1.utcTimeToDate(n.value as string)
    : forge.asn1.generalizedTimeToDate(n.value as string);
const hexOf = (n: Node) =>
  fromBin(n.value as string)
    .toString('hex')
    .replace(/^0+(?=.)/, '');

export function parseCrl(der: Buffer): ParsedCrl {
  const [tbsNode, alg, sig] = kids(parseDer(der));
  const f = kids(tbsNode);
  let i = f[0].type === forge.asn1.Type.INTEGER ? 1 : 0;
  i += 2; // signature algorithm, issuer
  const thisUpdate = toDate(f[i++]);
  if (f[i] && (f[i].type === forge.asn1.Type.UTCTIME || f[i].type === forge.asn1.Type.GENERALIZEDTIME)) i++;
  const revoked = new Map<string, Date>();
  if (f[i] && f[i].tagClass === forge.asn1.Class.UNIVERSAL && f[i].type === forge.asn1.Type.SEQUENCE)
    for (const e of kids(f[i])) revoked.set(hexOf(kids(e)[0]), toDate(kids(e)[1]));
  return {
    thisUpdate,
    revoked,
    tbs: derOf(tbsNode),
    signature: fromBin(sig.value as string).subarray(1),
    signatureAlgorithmOid: forge.asn1.derToOid(kids(alg)[0].value as string),
  };
}

/** The CRL's signature verifies with `issuer`'s key. */
export function crlSignedBy(crl: ParsedCrl, issuer: ParsedCertificate): boolean {
  try {
    return cryptoVerify(
      DIGEST_NAMES[crl.signatureAlgorithmOid] ?? 'sha256',
      crl.tbs,
      issuer.x509.publicKey,
      crl.signature,
    );
  } catch {
    return false;
  }
}

/** CertID (RFC 6960 §4.1.1) of `serialHex` issued by `issuer`, SHA-1 as every client sends it. */
export function certId(issuer: ParsedCertificate, serialHex: string): Buffer {
  const spki = kids(parseDer(issuer.x509.publicKey.export({ type: 'spki', format: 'der' })));
  const keyBits = fromBin(spki[1].value as string).subarray(1);
  return seq(
    seq(oid(OID.sha1), nul()),
    octets(createHash('sha1').update(issuer.subjectDer).digest()),
    octets(createHash('sha1').update(keyBits).digest()),
    integer(serialBytes(serialHex)),
  );
}

/** "nameHash:keyHash" of a CertID we make for `issuer`. */
export function issuerHashes(issuer: ParsedCertificate): string {
  const [, nameHash, keyHash] = kids(parseDer(certId(issuer, '01')));
  return `${hexOf(nameHash)}:${hexOf(keyHash)}`;
}

/** Serials asked about in an OCSPRequest, with their CertIDs as sent, and the nonce extension if any. */
export function parseOcspRequest(der: Buffer): {
  certIds: { raw: Buffer; serialHex: string; issuerHashes: string }[];
  nonce: Buffer | null;
} {
  const tbs = kids(kids(parseDer(der))[0]);
  const list = tbs.find((n) => n.tagClass === forge.asn1.Class.UNIVERSAL && n.type === forge.asn1.Type.SEQUENCE)!;
  const certIds = kids(list).map((r) => {
    const id = kids(r)[0];
    const [, nameHash, keyHash, serial] = kids(id);
    return { raw: derOf(id), serialHex: hexOf(serial), issuerHashes: `${hexOf(nameHash)}:${hexOf(keyHash)}` };
  });
  let nonce: Buffer | null = null;
  const ext = tbs.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 2);
  for (const e of ext ? kids(kids(ext)[0]) : [])
    if (forge.asn1.derToOid(kids(e)[0].value as string) === OCSP_NONCE) nonce = derOf(kids(e)[kids(e).length - 1]);
  return { certIds, nonce };
}

export type CertStatus = { status: 'good' } | { status: 'revoked'; revokedAt: Date } | { status: 'unknown' };

/** A successful OCSPResponse with one SingleResponse per CertID, signed by the CA. */
export function buildOcspResponse(
  issuer: ParsedCertificate,
  key: KeyObject,
  answers: { certIdDer: Buffer; status: CertStatus }[],
  at: Date,
  nonceExtValue: Buffer | null,
): Buffer {
  const single = answers.map(({ certIdDer, status }) =>
    seq(
      certIdDer,
      status.status === 'good'
        ? Buffer.from([0x80, 0x00])
        : status.status === 'revoked'
          ? tlv(0xa1, generalizedTime(status.revokedAt))
          : Buffer.from([0x82, 0x00]),
      generalizedTime(at),
      ctx(0, generalizedTime(new Date(at.getTime() + 24 * 3600_000))),
    ),
  );
  const data = seq(
    ctx(1, issuer.subjectDer),
    generalizedTime(at),
    seq(...single),
    ...(nonceExtValue ? [ctx(1, seq(seq(oid(OCSP_NONCE), nonceExtValue)))] : []),
  );
  const basic = seq(
    data,
    sigAlgOf(key),
    tlv(0x03, Buffer.from([0]), cryptoSign('sha256', data, key)),
    ctx(0, seq(issuer.der)),
  );
  return seq(tlv(0x0a, Buffer.from([0])), ctx(0, seq(oid(OCSP_BASIC), octets(basic))));
}

/** 'unauthorized' (6) / 'malformedRequest' (1) answers carry no response bytes. */
export const ocspError = (code: 1 | 6) => seq(tlv(0x0a, Buffer.from([code])));

export interface ParsedOcsp {
  producedAt: Date;
  responses: { serialHex: string; status: CertStatus }[];
  signedBy(issuer: ParsedCertificate): boolean;
}

export function parseOcspResponse(der: Buffer): ParsedOcsp | null {
  const top = kids(parseDer(der));
  if (forge.util.createBuffer(top[0].value as string).getInt(8) !== 0 || !top[1]) return null;
  const rb = kids(kids(top[1])[0]);
  const basic = kids(parseDer(fromBin(rb[1].value as string)));
  const dataNode = basic[0];
  const data = kids(dataNode);
  const producedAt = toDate(data[data[0].tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && data[0].type === 0 ? 2 : 1]);
  const list = data.find(
    (n, i) => i > 0 && n.tagClass === forge.asn1.Class.UNIVERSAL && n.type === forge.asn1.Type.SEQUENCE,
  )!;
  const responses = kids(list).map((s) => {
    const [id, st] = kids(s);
    let status: CertStatus = { status: 'unknown' };
    if (st.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && st.type === 0) status = { status: 'good' };
    else if (st.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && st.type === 1)
      status = { status: 'revoked', revokedAt: toDate(kids(st)[0]) };
    return { serialHex: hexOf(kids(id)[3]), status };
  });
  const tbs = derOf(dataNode);
  const alg = forge.asn1.derToOid(kids(basic[1])[0].value as string);
  const signature = fromBin(basic[2].value as string).subarray(1);
  return {
    producedAt,
    responses,
    signedBy: (issuer) => {
      try {
        return cryptoVerify(DIGEST_NAMES[alg] ?? 'sha256', tbs, issuer.x509.publicKey, signature);
      } catch {
        return false;
      }
    },
  };
}
