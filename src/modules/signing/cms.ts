import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { ctx, DIGEST_NAMES, integer, nul, octets, OID, oid, seq, set, setOf, time, tlv } from './der.js';
import type { SignatureValue } from './signer.port.js';
import { derOf, fromBin, parseDer, type ParsedCertificate } from './x509.js';

/**
 * CMS SignedData for PAdES (SubFilter ETSI.CAdES.detached, ETSI EN 319 142-1): SHA-256, signed attributes
 * content-type, message-digest, signing-certificate-v2 (RFC 5035) and signing time, optional RFC 3161
 * signature time-stamp as an unsigned attribute. The signer is identified by the issuer Name bytes copied from
 * its certificate, so Vietnamese (UTF8String) issuers stay byte-identical (stack-notes trap 11).
 */
export interface BuildCmsInput {
  /** Digest (SHA-256) of the signed content: the PDF byte ranges, or the encapsulated content. */
  contentDigest: Buffer;
  signer: ParsedCertificate;
  /** Certificates to embed after the signer's (intermediates, optionally the root). */
  extraCertificates: Buffer[];
  signingTime?: Date;
  sign: (data: Buffer, digest: Buffer) => Promise<SignatureValue>;
  /** Returns a time-stamp token (ContentInfo DER) over the signature value. */
  timestamp?: (signatureValue: Buffer) => Promise<Buffer>;
  /** Encapsulated content (time-stamp tokens carry their TSTInfo); absent for detached PDF signatures. */
  encapsulated?: { contentType: string; content: Buffer };
}

const attribute = (type: string, value: Buffer) => seq(oid(type), set(value));
const sha256Id = () => seq(oid(OID.sha256), nul());

export async function buildSignedData(input: BuildCmsInput): Promise<Buffer> {
  const contentType = input.encapsulated?.contentType ?? OID.data;
  const certHash = createHash('sha256').update(input.signer.der).digest();
  const issuerSerial = seq(seq(ctx(4, input.signer.issuerDer)), input.signer.serialDer);
  const attrs = [
    attribute(OID.contentType, oid(contentType)),
    attribute(OID.messageDigest, octets(input.contentDigest)),
    attribute(OID.signingCertificateV2, seq(seq(seq(octets(certHash), issuerSerial)))),
  ];
  if (input.signingTime) attrs.push(attribute(OID.signingTime, time(input.signingTime)));
  const signedAttrs = setOf(...attrs); // what the signature covers: the attributes with a SET tag
  const digest = createHash('sha256').update(signedAttrs).digest();
  const value = await input.sign(signedAttrs, digest);
  const sigAlg =
    value.algorithm === 'ecdsa-sha256' ? seq(oid(OID.ecdsaWithSha256)) : seq(oid(OID.rsaEncryption), nul());
  const unsigned: Buffer[] = [];
  if (input.timestamp) unsigned.push(attribute(OID.timeStampToken, await input.timestamp(value.signature)));
  const signerInfo = seq(
    integer(1),
    seq(input.signer.issuerDer, input.signer.serialDer),
    sha256Id(),
    tlv(0xa0, signedAttrs.subarray(signedAttrsHeaderLength(signedAttrs))),
    sigAlg,
    octets(value.signature),
    ...(unsigned.length ? [tlv(0xa1, ...unsigned)] : []),
  );
  const encap = input.encapsulated
    ? seq(oid(contentType), ctx(0, octets(input.encapsulated.content)))
    : seq(oid(OID.data));
  const signedData = seq(
    integer(contentType === OID.data ? 1 : 3),
    set(sha256Id()),
    encap,
    tlv(0xa0, input.signer.der, ...input.extraCertificates),
    set(signerInfo),
  );
  return seq(oid(OID.signedData), ctx(0, signedData));
}

function signedAttrsHeaderLength(der: Buffer): number {
  return der[1] < 0x80 ? 2 : 2 + (der[1] & 0x7f);
}

/* ------------------------------------------------------------------ parsing ---------------------------------- */

export interface ParsedSignerInfo {
  issuerDer: Buffer;
  serialHex: string;
  digestAlgorithm: string | null;
  /** The signed attributes re-tagged as SET (the bytes the signature covers), or null when there are none. */
  signedAttrs: Buffer | null;
  messageDigest: Buffer | null;
  signingTime: Date | null;
  hasSigningCertificate: boolean;
  signatureAlgorithmOid: string;
  signature: Buffer;
  timestampToken: Buffer | null;
}

export interface ParsedCms {
  certificates: Buffer[];
  eContentType: string;
  eContent: Buffer | null;
  signer: ParsedSignerInfo;
}

type Node = forge.asn1.Asn1;
const kids = (n: Node): Node[] => (Array.isArray(n.value) ? (n.value as Node[]) : []);
const oidOf = (n: Node): string => forge.asn1.derToOid(n.value as string);
const isCtx = (n: Node, tag: number) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === tag;

/** Parses a CMS ContentInfo holding SignedData (trailing zero padding of /Contents is ignored). */
export function parseSignedData(der: Buffer): ParsedCms {
  const root = parseDer(der);
  if (oidOf(kids(root)[0]) !== OID.signedData) throw new Error('not a CMS SignedData');
  const sd = kids(kids(kids(root)[1])[0]);
  let i = 2;
  const encap = kids(sd[i++]);
  const eContentType = oidOf(encap[0]);
  let eContent: Buffer | null = null;
  if (encap[1]) {
    const inner = kids(encap[1])[0];
    eContent = fromBin(
      Array.isArray(inner.value)
        ? kids(inner)
            .map((c) => c.value as string)
            .join('')
        : (inner.value as string),
    );
  }
  const certificates: Buffer[] = [];
  if (isCtx(sd[i], 0))
    for (const c of kids(sd[i++])) if (c.type === forge.asn1.Type.SEQUENCE) certificates.push(derOf(c));
  if (isCtx(sd[i], 1)) i++; // CRLs
  const si = kids(kids(sd[i])[0]);
  let j = 1;
  const sid = si[j++];
  if (isCtx(sid, 0)) throw new Error('SubjectKeyIdentifier signer ids are not supported');
  const [issuerNode, serialNode] = kids(sid);
  const digestAlgorithm = DIGEST_NAMES[oidOf(kids(si[j++])[0])] ?? null;
  let signedAttrs: Buffer | null = null;
  let messageDigest: Buffer | null = null;
  let signingTime: Date | null = null;
  let hasSigningCertificate = false;
  if (isCtx(si[j], 0)) {
    const attrs = kids(si[j++]);
    signedAttrs = derOf(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attrs));
    for (const a of attrs) {
      const [t, values] = kids(a);
      const type = oidOf(t);
      const v = kids(values)[0];
      if (type === OID.messageDigest) messageDigest = fromBin(v.value as string);
      else if (type === OID.signingTime)
        signingTime =
          v.type === forge.asn1.Type.UTCTIME
            ? forge.asn1.utcTimeToDate(v.value as string)
            : forge.asn1.generalizedTimeToDate(v.value as string);
      else if (type === OID.signingCertificateV2 || type === '1.2.840.113549.1.9.16.2.12') hasSigningCertificate = true;
    }
  }
  const signatureAlgorithmOid = oidOf(kids(si[j++])[0]);
  const signature = fromBin(si[j++].value as string);
  let timestampToken: Buffer | null = null;
  if (si[j] && isCtx(si[j], 1))
    for (const a of kids(si[j])) {
      const [t, values] = kids(a);
      if (oidOf(t) === OID.timeStampToken) timestampToken = derOf(kids(values)[0]);
    }
  return {
    certificates,
    eContentType,
    eContent,
    signer: {
      issuerDer: derOf(issuerNode),
      serialHex: fromBin(serialNode.value as string)
        .toString('hex')
        .replace(/^0+(?=.)/, ''),
      digestAlgorithm,
      signedAttrs,
      messageDigest,
      signingTime,
      hasSigningCertificate,
      signatureAlgorithmOid,
      signature,
      timestampToken,
    },
  };
}
