import { createHash, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { DomainError } from '../../common/domain-error.js';
import { bool, integer, nul, octets, OID, oid, seq } from './der.js';
import { parseSignedData } from './cms.js';
import { derOf, fromBin, parseDer } from './x509.js';

/**
 * RFC 3161 time-stamping: the signature value is sent to the configured TSA (TSA_URL) and the returned token
 * becomes the signature-time-stamp unsigned attribute (PAdES B-T). No real TSA is reachable from the test
 * machines; the tests run against a small local TSA.
 */
type Node = forge.asn1.Asn1;
const kids = (n: Node): Node[] => (Array.isArray(n.value) ? (n.value as Node[]) : []);

export function buildTimeStampRequest(imprint: Buffer, nonce: Buffer): Buffer {
  return seq(integer(1), seq(seq(oid(OID.sha256), nul()), octets(imprint)), integer(nonce), bool(true));
}

export interface TstInfo {
  genTime: Date;
  imprintAlgorithm: string;
  imprint: Buffer;
  nonceHex: string | null;
}

export function parseTstInfo(der: Buffer): TstInfo {
  const f = kids(parseDer(der));
  const mi = kids(f[2]);
  const alg = forge.asn1.derToOid(kids(mi[0])[0].value as string);
  let nonceHex: string | null = null;
  for (const n of f.slice(5))
    if (n.tagClass === forge.asn1.Class.UNIVERSAL && n.type === forge.asn1.Type.INTEGER)
      nonceHex = fromBin(n.value as string)
        .toString('hex')
        .replace(/^0+(?=.)/, '');
  return {
    genTime: forge.asn1.generalizedTimeToDate(f[4].value as string),
    imprintAlgorithm: alg,
    imprint: fromBin(mi[1].value as string),
    nonceHex,
  };
}

/** The TSTInfo of a time-stamp token (ContentInfo DER). */
export function tokenInfo(token: Buffer): TstInfo {
  const cms = parseSignedData(token);
  if (cms.eContentType !== OID.tstInfo || !cms.eContent) throw new Error('not a time-stamp token');
  return parseTstInfo(cms.eContent);
}

/** Asks the TSA for a token over sha256(data); checks status, imprint and nonce. */
export async function requestTimestamp(tsaUrl: string, data: Buffer): Promise<Buffer> {
  const imprint = createHash('sha256').update(data).digest();
  const nonce = randomBytes(8);
  nonce[0] &= 0x7f;
  const fail = (reason: string) => new DomainError('TSA_FAILED', 'unavailable', { reason });
  let body: Buffer;
  try {
    const res = await fetch(tsaUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: buildTimeStampRequest(imprint, nonce),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw fail(`HTTP ${res.status}`);
    body = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw fail((e as Error).message);
  }
  try {
    const resp = kids(parseDer(body));
    const status = forge.util.createBuffer(kids(resp[0])[0].value as string).getInt(8);
    if (status !== 0 && status !== 1) throw fail(`status ${status}`);
    if (!resp[1]) throw fail('no token');
    const token = derOf(resp[1]);
    const info = tokenInfo(token);
    if (!info.imprint.equals(imprint)) throw fail('message imprint mismatch');
    if (info.nonceHex !== nonce.toString('hex').replace(/^0+(?=.)/, '')) throw fail('nonce mismatch');
    return token;
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw fail(`unreadable response (${(e as Error).message})`);
  }
}
