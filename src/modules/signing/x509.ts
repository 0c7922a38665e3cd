import { createHash, KeyObject, randomBytes, sign as cryptoSign, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import * as der from './der.js';

/**
 * X.509 helpers. Names are read from the DER ourselves, decoding UTF8String / BMPString properly, so
 * Vietnamese subjects ("CN=Nguyễn Văn Ký") are shown and compared as text (stack-notes trap 11).
 */
const asn1 = forge.asn1;

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.5': 'SERIALNUMBER',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'E',
};

export interface ParsedName {
  /** RFC 4514 order (most specific first): "CN=Nguyễn Văn Ký, O=Ủy ban nhân dân tỉnh Hà Tĩnh, C=VN". */
  text: string;
  attributes: { type: string; value: string }[];
}

export interface ParsedCertificate {
  der: Buffer;
  x509: X509Certificate;
  subject: ParsedName;
  issuer: ParsedName;
  commonName: string;
  /** Lower-case hex without leading zeros (as pdfsig and openssl show it, minus separators). */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** sha256 of the DER, hex. */
  fingerprint: string;
  /** The issuer Name exactly as encoded in the certificate (used verbatim in CMS IssuerAndSerialNumber). */
  issuerDer: Buffer;
  /** The subject Name exactly as encoded (the issuer field of the certificates it issues). */
  subjectDer: Buffer;
  serialDer: Buffer;
  isCa: boolean;
}

const bin = (b: Buffer): string => b.toString('binary');
export const fromBin = (s: string): Buffer => Buffer.from(s, 'binary');
export const derOf = (node: forge.asn1.Asn1): Buffer => fromBin(asn1.toDer(node).getBytes());
// forge accepts an options object here; its type declarations only know the old boolean form.
const fromDer = asn1.fromDer as unknown as (b: forge.util.ByteStringBuffer, o: object) => forge.asn1.Asn1;
export const parseDer = (der: Buffer): forge.asn1.Asn1 =>
  fromDer(forge.util.createBuffer(bin(der)), { strict: false, parseAllBytes: false, decodeBitStrings: false });

function decodeString(node: forge.asn1.Asn1): string {
  const raw = node.value as string;
  switch (node.type as number) {
    case asn1.Type.UTF8:
      return forge.util.decodeUtf8(raw);
    case asn1.Type.BMPSTRING: {
      const b = fromBin(raw);
      let s = '';
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b.readUInt16BE(i));
      return s;
    }
    case 28: // UniversalString (UCS-4)
      return Array.from({ length: Math.floor(raw.length / 4) }, (_, i) =>
        String.fromCodePoint(fromBin(raw).readUInt32BE(i * 4)),
      ).join('');
    default:
      return raw;
  }
}

export function parseName(node: forge.asn1.Asn1): ParsedName {
  const attributes: { type: string; value: string }[] = [];
  for (const rdn of node.value as forge.asn1.Asn1[])
    for (const atv of rdn.value as forge.asn1.Asn1[]) {
      const [oidNode, valueNode] = atv.value as forge.asn1.Asn1[];
      const oid = asn1.derToOid(oidNode.value as string);
      attributes.push({ type: ATTRIBUTE_NAMES[oid] ?? oid, value: decodeString(valueNode).normalize('NFC') });
    }
  const text = [...attributes]
    .reverse()
    .map((a) => `${a.type}=${a.value.replace(/([,+"\\<>;])/g, '\\$1')}`)
    .join(', ');
  return { text, attributes };
}

export function parseCertificate(der: Buffer): ParsedCertificate {
  const x509 = new X509Certificate(der);
  const root = parseDer(der);
  const tbs = (root.value as forge.asn1.Asn1[])[0];
  const fields = tbs.value as forge.asn1.Asn1[];
  const off = fields[0].tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0; // [0] version
  const serialNode = fields[off];
  const issuerNode = fields[off + 2];
  const subjectNode = fields[off + 4];
  const subject = parseName(subjectNode);
  return {
    der,
    x509,
    subject,
    issuer: parseName(issuerNode),
    commonName: subject.attributes.find((a) => a.type === 'CN')?.value ?? subject.text,
    serialHex: x509.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    fingerprint: createHash('sha256').update(der).digest('hex'),
    issuerDer: derOf(issuerNode),
    subjectDer: derOf(subjectNode),
    serialDer: derOf(serialNode),
    isCa: x509.ca,
  };
}

export const pemToDer = (pem: string): Buffer[] =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) =>
    Buffer.from(m[1].replace(/\s+/g, ''), 'base64'),
  );

export const derToPem = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

export interface NameSpec {
  CN: string;
  O?: string;
  OU?: string;
  L?: string;
  C?: string;
}

/** Name, most general attribute first; text as UTF8String (NFC) so Vietnamese needs no escaping (trap 11). */
export function encodeName(spec: NameSpec): Buffer {
  const atv = (type: string, value: Buffer) => der.set(der.seq(der.oid(type), value));
  const utf8 = (v: string) => der.tlv(0x0c, Buffer.from(v.normalize('NFC'), 'utf8'));
  const rdns: Buffer[] = [];
  if (spec.C) rdns.push(atv('2.5.4.6', der.tlv(0x13, Buffer.from(spec.C, 'ascii'))));
  if (spec.L) rdns.push(atv('2.5.4.7', utf8(spec.L)));
  if (spec.O) rdns.push(atv('2.5.4.10', utf8(spec.O)));
  if (spec.OU) rdns.push(atv('2.5.4.11', utf8(spec.OU)));
  rdns.push(atv('2.5.4.3', utf8(spec.CN)));
  return der.seq(...rdns);
}

export interface IssueCertificateInput {
  subject: NameSpec;
  /** The subject's public key. */
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  /** The issuer's certificate (omitted: self-signed) and private key. */
  issuerCertificate?: ParsedCertificate;
  issuerKey: KeyObject;
  /** Extended key purposes, critical (a TSA's certificate: timeStamping only, RFC 3161 §2.3). */
  extKeyUsage?: string[];
  /** Where the issuer publishes its CRL (cRLDistributionPoints) and answers OCSP (authorityInfoAccess). */
  crlUrl?: string;
  ocspUrl?: string;
}

export const KEY_PURPOSE = { timeStamping: '1.3.6.1.5.5.7.3.8', ocspSigning: '1.3.6.1.5.5.7.3.9' } as const;

function keyIdentifier(spki: Buffer): Buffer {
  const bits = (parseDer(spki).value as forge.asn1.Asn1[])[1].value as string;
  return createHash('sha1').update(fromBin(bits).subarray(1)).digest();
}

/**
 * Issues an X.509 v3 certificate (RFC 5280) for an RSA or EC key, signed with SHA-256 by the issuer's key:
 * basicConstraints, keyUsage (CA: keyCertSign + cRLSign; signer: digitalSignature + nonRepudiation),
 * subject and authority key identifiers.
 */
export function issueCertificate(input: IssueCertificateInput): Buffer {
  const spki = input.publicKey.export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x10;
  const ec = input.issuerKey.asymmetricKeyType === 'ec';
  const sigAlg = ec ? der.seq(der.oid(der.OID.ecdsaWithSha256)) : der.seq(der.oid(der.OID.sha256WithRSA), der.nul());
  const ext = (oid: string, critical: boolean, value: Buffer) =>
    der.seq(der.oid(oid), ...(critical ? [der.bool(true)] : []), der.octets(value));
  const issuerSpki = input.issuerCertificate
    ? input.issuerCertificate.x509.publicKey.export({ type: 'spki', format: 'der' })
    : spki;
  const extensions = [
    ext('2.5.29.19', true, input.isCa ? der.seq(der.bool(true)) : der.seq()),
    // keyUsage BIT STRING: CA 1000 0110 (digitalSignature, keyCertSign, cRLSign); signer 11 (digitalSignature, nonRepudiation)
    ext('2.5.29.15', true, input.isCa ? Buffer.from([0x03, 0x02, 0x01, 0x86]) : Buffer.from([0x03, 0x02, 0x06, 0xc0])),
    ext('2.5.29.14', false, der.octets(keyIdentifier(spki))),
    ext('2.5.29.35', false, der.seq(der.tlv(0x80, keyIdentifier(issuerSpki)))),
  ];
  if (input.extKeyUsage?.length) extensions.push(ext('2.5.29.37', true, der.seq(...input.extKeyUsage.map(der.oid))));
  // cRLDistributionPoints: DistributionPoint { fullName [0] { uniformResourceIdentifier [6] } }
  if (input.crlUrl)
    extensions.push(
      ext('2.5.29.31', false, der.seq(der.seq(der.ctx(0, der.ctx(0, der.tlv(0x86, Buffer.from(input.crlUrl))))))),
    );
  // authorityInfoAccess: id-ad-ocsp, uniformResourceIdentifier
  if (input.ocspUrl)
    extensions.push(
      ext(
        '1.3.6.1.5.5.7.1.1',
        false,
        der.seq(der.seq(der.oid('1.3.6.1.5.5.7.48.1'), der.tlv(0x86, Buffer.from(input.ocspUrl)))),
      ),
    );
  const tbs = der.seq(
    der.ctx(0, der.integer(2)),
    der.integer(serial),
    sigAlg,
    input.issuerCertificate ? input.issuerCertificate.subjectDer : encodeName(input.subject),
    der.seq(der.time(input.notBefore), der.time(input.notAfter)),
    encodeName(input.subject),
    spki,
    der.ctx(3, der.seq(...extensions)),
  );
  const signature = cryptoSign('sha256', tbs, input.issuerKey);
  return der.seq(tbs, sigAlg, der.tlv(0x03, Buffer.from([0]), signature));
}
