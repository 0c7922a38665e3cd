import { createHash, verify as cryptoVerify } from 'node:crypto';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString } from 'pdf-lib';
import { parseSignedData } from './cms.js';
import { DIGEST_NAMES } from './der.js';
import { analyzeModifications, docMdpPermission, loadRevision } from './pdf-modifications.js';
import { OID } from './der.js';
import { documentDss } from './long-term.js';
import { tokenInfo } from './tsa.js';
import type { PdfRect, SignatureVerification } from './signing.types.js';
import { parseCertificate, type ParsedCertificate } from './x509.js';

/**
 * Verification of every signature of a PDF. The byte ranges and /Contents are read from the raw bytes (so a
 * damaged or altered file is still checked); names, times and widget positions come from pdf-lib when the file
 * parses. Checks: integrity of the byte range, the CMS signature, the chain to a trust anchor, validity of the
 * certificate at signing time, revocation (our own certificates), and what was appended after the signature.
 */
export interface KnownCertificate {
  ownerType: 'user' | 'agency' | 'ca';
  status: string;
  revokedAt: Date | null;
}

export interface VerifyContext {
  anchors: ParsedCertificate[];
  lookup(fingerprints: string[]): Promise<Map<string, KnownCertificate>>;
  now: Date;
}

export interface AnalyzedSignature extends SignatureVerification {
  byteRange: number[];
  /** Widget position (0-based page index), when the file parses and the widget is visible. */
  widget: { pageIndex: number; rect: PdfRect } | null;
  signerFingerprint: string | null;
}

interface RawSignature {
  byteRange: number[];
  contents: Buffer;
}

function findRawSignatures(pdf: Buffer): RawSignature[] {
  const out: RawSignature[] = [];
  for (let at = pdf.indexOf('/ByteRange'); at >= 0; at = pdf.indexOf('/ByteRange', at + 10)) {
    const m = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(
      pdf.subarray(at, at + 120).toString('latin1'),
    );
    if (!m) continue;
    const br = m.slice(1, 5).map(Number);
    if (br[0] !== 0 || br[1] >= br[2] || br[2] + br[3] > pdf.length) continue;
    const gap = pdf.subarray(br[1], br[2]).toString('latin1');
    if (!/^<[0-9a-fA-F\s]*>$/.test(gap)) continue;
    out.push({ byteRange: br, contents: Buffer.from(gap.slice(1, -1).replace(/\s+/g, ''), 'hex') });
  }
  return out.sort((a, b) => a.byteRange[2] + a.byteRange[3] - (b.byteRange[2] + b.byteRange[3]));
}

/** Every certificate inside the document's signatures and their time-stamp tokens (DER, unique). */
export function embeddedCertificates(pdf: Buffer): Buffer[] {
  const out = new Map<string, Buffer>();
  const add = (der: Buffer) => out.set(der.toString('base64'), der);
  for (const r of findRawSignatures(pdf))
    try {
      const cms = parseSignedData(r.contents);
      cms.certificates.forEach(add);
      if (cms.signer.timestampToken) parseSignedData(cms.signer.timestampToken).certificates.forEach(add);
    } catch {
      // an unreadable signature has nothing to validate
    }
  return [...out.values()];
}

interface SigMeta {
  fieldName: string | null;
  reason: string | null;
  location: string | null;
  name: string | null;
  subFilter: string | null;
  m: Date | null;
  widget: { pageIndex: number; rect: PdfRect } | null;
}

const textOf = (v: unknown): string | null =>
  v instanceof PDFHexString || v instanceof PDFString ? v.decodeText().normalize('NFC') : null;

function readMetadata(doc: PDFDocument | null): Map<string, SigMeta> {
  const out = new Map<string, SigMeta>();
  if (!doc) return out;
  const pageOf = new Map<string, number>();
  doc.getPages().forEach((p, i) => {
    const annots = p.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    for (const a of annots?.asArray() ?? []) if (a instanceof PDFRef) pageOf.set(a.toString(), i);
  });
  const widgets = new Map<string, { name: string | null; rect: PdfRect | null; pageIndex: number | null }>();
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of('FT')) !== PDFName.of('Sig')) continue;
    const v = obj.get(PDFName.of('V'));
    if (!(v instanceof PDFRef)) continue;
    const r = obj
      .lookupMaybe(PDFName.of('Rect'), PDFArray)
      ?.asArray()
      .map((n) => (n as PDFNumber).asNumber());
    const rect = r && r.length === 4 ? { x: r[0], y: r[1], width: r[2] - r[0], height: r[3] - r[1] } : null;
    widgets.set(v.toString(), {
      name: textOf(obj.get(PDFName.of('T'))),
      rect,
      pageIndex: pageOf.get(ref.toString()) ?? null,
    });
  }
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict)) continue;
    const br = obj.lookupMaybe(PDFName.of('ByteRange'), PDFArray);
    if (!br || br.size() !== 4) continue;
    const nums = br.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : -1));
    const w = widgets.get(ref.toString());
    const sub = obj.get(PDFName.of('SubFilter'));
    const m = obj.get(PDFName.of('M'));
    let mDate: Date | null;
    try {
      mDate = m instanceof PDFString || m instanceof PDFHexString ? m.decodeDate() : null;
    } catch {
      mDate = null; // a malformed /M is not an error: the CMS signing time or the time-stamp is used instead
    }
    out.set(`${nums[1]}:${nums[2]}`, {
      fieldName: w?.name ?? null,
      reason: textOf(obj.get(PDFName.of('Reason'))),
      location: textOf(obj.get(PDFName.of('Location'))),
      name: textOf(obj.get(PDFName.of('Name'))),
      subFilter: sub instanceof PDFName ? sub.decodeText() : null,
      m: mDate,
      widget: w?.rect && w.pageIndex !== null && w.rect.width > 0 ? { pageIndex: w.pageIndex, rect: w.rect } : null,
    });
  }
  return out;
}

function buildChain(signer: ParsedCertificate, pool: ParsedCertificate[], anchors: ParsedCertificate[]) {
  const chain = [signer];
  const issuedBy = (c: ParsedCertificate, i: ParsedCertificate) => {
    try {
      return c.x509.checkIssued(i.x509) && c.x509.verify(i.x509.publicKey);
    } catch {
      return false;
    }
  };
  let cur = signer;
  for (let depth = 0; depth < 8; depth++) {
    if (anchors.some((a) => a.fingerprint === cur.fingerprint)) return { chain, trusted: true };
    const anchor = anchors.find((a) => issuedBy(cur, a));
    if (anchor) return { chain: [...chain, anchor], trusted: true };
    const next = pool.find((c) => c.fingerprint !== cur.fingerprint && !chain.includes(c) && issuedBy(cur, c));
    if (!next) break;
    chain.push(next);
    cur = next;
  }
  return { chain, trusted: false };
}

/** The time-stamp token's own signature (over its TSTInfo) and its authority's chain to a trust anchor. */
export function verifyToken(token: Buffer, anchors: ParsedCertificate[]) {
  try {
    const cms = parseSignedData(token);
    const certs = cms.certificates.map((c) => parseCertificate(c));
    const signer = certs.find((c) => c.issuerDer.equals(cms.signer.issuerDer) && c.serialHex === cms.signer.serialHex);
    if (!signer || !cms.eContent || !cms.signer.signedAttrs) throw new Error('incomplete token');
    const digestOk = !!cms.signer.messageDigest?.equals(createHash('sha256').update(cms.eContent).digest());
    const sigAlg = DIGEST_NAMES[cms.signer.signatureAlgorithmOid] ?? 'sha256';
    const signatureValid =
      digestOk && cryptoVerify(sigAlg, cms.signer.signedAttrs, signer.x509.publicKey, cms.signer.signature);
    return { signatureValid, trusted: buildChain(signer, certs, anchors).trusted, authority: signer.subject.text };
  } catch {
    return { signatureValid: false, trusted: false, authority: '' };
  }
}

/** Ends of revisions (just after each %%EOF and its end-of-line). */
function revisionEnds(pdf: Buffer): number[] {
  const ends: number[] = [];
  for (let at = pdf.indexOf('%%EOF'); at >= 0; at = pdf.indexOf('%%EOF', at + 5)) {
    let end = at + 5;
    while (end < pdf.length && (pdf[end] === 0x0a || pdf[end] === 0x0d)) end++;
    ends.push(end);
  }
  return ends;
}

export async function analyzePdf(pdf: Buffer, ctx: VerifyContext): Promise<AnalyzedSignature[]> {
  const raws = findRawSignatures(pdf);
  if (!raws.length) return [];
  const doc = await loadRevision(pdf);
  const meta = readMetadata(doc);
  const docMdp = docMdpPermission(doc);
  const parsed = raws.map((r) => {
    try {
      const cms = parseSignedData(r.contents);
      const certs = cms.certificates.map((c) => parseCertificate(c));
      const signer = certs.find(
        (c) => c.issuerDer.equals(cms.signer.issuerDer) && c.serialHex === cms.signer.serialHex,
      );
      return { raw: r, cms, certs, signer };
    } catch {
      return { raw: r, cms: null, certs: [] as ParsedCertificate[], signer: undefined };
    }
  });
  const known = await ctx.lookup(parsed.flatMap((p) => (p.signer ? [p.signer.fingerprint] : [])));
  const sigEnds = raws.map((r) => r.byteRange[2] + r.byteRange[3]);
  const revEnds = revisionEnds(pdf);
  const mods = await Promise.all(
    parsed.map(({ raw }) => analyzeModifications(pdf, raw.byteRange[2] + raw.byteRange[3], doc, docMdp)),
  );
  const dss = documentDss(doc);
  const results = parsed.map(({ raw, cms, certs, signer }, index): AnalyzedSignature => {
    const problems: string[] = [];
    const md = meta.get(`${raw.byteRange[1]}:${raw.byteRange[2]}`);
    const br = raw.byteRange;
    const end = br[2] + br[3];
    const reachesEndOfFile = end === pdf.length || /^[\r\n]*$/.test(pdf.subarray(end).toString('latin1'));
    // Lenient cover: every later revision ends where a later signature's byte range ends (signature-only updates).
    const onlySignaturesFollow = revEnds
      .filter((e) => e > end + 2)
      .every((e) => sigEnds.some((s) => s > end && Math.abs(s - e) <= 2));
    const trailingRevision = revEnds.length ? revEnds[revEnds.length - 1] : pdf.length;
    const unsignedTail = trailingRevision < pdf.length - 2 && !sigEnds.some((s) => s >= pdf.length - 2);
    const coversWholeDocument = reachesEndOfFile || (onlySignaturesFollow && !unsignedTail);
    let integrity = false;
    let signatureValid = false;
    let signedAt: Date | null = md?.m ?? null;
    let timestamp: SignatureVerification['timestamp'] = null;
    if (!cms || !signer) problems.push(cms ? 'signer certificate not found in the signature' : 'unreadable CMS');
    if (cms && signer) {
      const alg = cms.signer.digestAlgorithm ?? 'sha256';
      const h = createHash(alg);
      h.update(pdf.subarray(br[0], br[0] + br[1]));
      h.update(pdf.subarray(br[2], br[2] + br[3]));
      const digest = h.digest();
      if (cms.eContentType === OID.tstInfo) {
        // A document time-stamp (ETSI.RFC3161): the token's imprint is the digest of the byte ranges.
        const info = tokenInfo(raw.contents);
        const tsa = verifyToken(raw.contents, ctx.anchors);
        integrity = info.imprint.equals(
          createHash('sha256')
            .update(pdf.subarray(0, br[1]))
            .update(pdf.subarray(br[2], br[2] + br[3]))
            .digest(),
        );
        signatureValid = tsa.signatureValid;
        signedAt = info.genTime;
        timestamp = {
          time: info.genTime.toISOString(),
          imprintValid: integrity,
          signatureValid,
          trusted: tsa.trusted,
          authority: tsa.authority,
        };
      } else integrity = !!cms.signer.messageDigest && cms.signer.messageDigest.equals(digest);
      if (!integrity) problems.push('the document was changed after signing (digest mismatch)');
      const sigAlg = DIGEST_NAMES[cms.signer.signatureAlgorithmOid] ?? alg;
      try {
        signatureValid = cms.signer.signedAttrs
          ? cryptoVerify(sigAlg, cms.signer.signedAttrs, signer.x509.publicKey, cms.signer.signature)
          : false;
      } catch {
        signatureValid = false;
      }
      if (!signatureValid) problems.push('the CMS signature does not verify');
      if (cms.signer.signingTime && cms.eContentType !== OID.tstInfo) signedAt = cms.signer.signingTime;
      if (cms.signer.timestampToken) {
        try {
          const info = tokenInfo(cms.signer.timestampToken);
          const imprint = createHash('sha256').update(cms.signer.signature).digest();
          const tsa = verifyToken(cms.signer.timestampToken, ctx.anchors);
          timestamp = {
            time: info.genTime.toISOString(),
            imprintValid: info.imprint.equals(imprint),
            signatureValid: tsa.signatureValid,
            trusted: tsa.trusted,
            authority: tsa.authority,
          };
          if (!tsa.signatureValid) problems.push('the time-stamp token does not verify');
          if (timestamp.imprintValid) signedAt = info.genTime;
          else problems.push('the time-stamp does not match the signature');
        } catch {
          problems.push('unreadable time-stamp');
        }
      }
    }
    const { chain, trusted } = signer ? buildChain(signer, certs, ctx.anchors) : { chain: [], trusted: false };
    if (signer && !trusted) problems.push('the certificate does not chain to a trust anchor');
    const at = signedAt ?? ctx.now;
    const certificateValidAtSigningTime = chain.length > 0 && chain.every((c) => c.notBefore <= at && at <= c.notAfter);
    if (signer && !certificateValidAtSigningTime) problems.push('a certificate was not valid at signing time');
    const k = signer ? known.get(signer.fingerprint) : undefined;
    // Revocation at signing time: from the document's own validation data (DSS) first — it holds with the CA
    // offline — else from this installation's records. A revoked certificate only keeps earlier signatures valid
    // when a time-stamp proves they came first.
    const proven = !!timestamp?.imprintValid && timestamp.signatureValid && timestamp.trusted;
    const fromDss = signer ? dss.status(signer, ctx.anchors) : null;
    const rec =
      fromDss ??
      (k
        ? {
            status: k.status === 'revoked' ? 'revoked' : 'good',
            revokedAt: k.revokedAt,
            checkedAt: ctx.now,
            source: 'installation',
          }
        : null);
    const revokedLater =
      rec?.status === 'revoked' && !!rec.revokedAt && (proven || !!timestamp?.imprintValid) && at < rec.revokedAt;
    const revoked = rec?.status === 'revoked' && !revokedLater;
    if (revoked) problems.push('the certificate has been revoked');
    const revocation: SignatureVerification['revocation'] = {
      status: !rec ? 'unknown' : revoked ? 'revoked' : revokedLater ? 'revoked-after-signing' : 'good',
      source: (rec?.source ?? 'none') as SignatureVerification['revocation']['source'],
      checkedAt: rec?.checkedAt.toISOString() ?? null,
      revokedAt: rec?.revokedAt?.toISOString() ?? null,
    };
    // Once the certificate has expired, only a time-stamp proves the signature was made while it was valid.
    if (signer && ctx.now > signer.notAfter && !timestamp?.imprintValid)
      problems.push('the certificate has expired and no time-stamp proves when the signature was made');
    const expiredUnproven = !!signer && ctx.now > signer.notAfter && !timestamp?.imprintValid;
    // What was appended after the signature, judged change by change (pdf-modifications.ts).
    const modifications = mods[index];
    const modifiedAfterSigning = !integrity || !modifications.allowed;
    for (const c of modifications.changes)
      if (!c.allowed) problems.push(`change after signing not allowed: ${c.detail}`);
    const valid =
      integrity &&
      signatureValid &&
      trusted &&
      certificateValidAtSigningTime &&
      !revoked &&
      !modifiedAfterSigning &&
      !expiredUnproven;
    const isDocTimestamp = cms?.eContentType === OID.tstInfo;
    return {
      pades: isDocTimestamp
        ? null
        : !cms?.signer.hasSigningCertificate
          ? null
          : timestamp?.imprintValid
            ? fromDss
              ? 'B-LT'
              : 'B-T'
            : 'B-B',
      revocation,
      index,
      fieldName: md?.fieldName ?? null,
      signer: signer?.commonName ?? md?.name ?? '',
      signedAt: signedAt ? signedAt.toISOString() : null,
      certificateSubject: signer?.subject.text ?? '',
      certificateIssuer: signer?.issuer.text ?? '',
      certificateSerial: signer?.serialHex ?? '',
      kind:
        cms?.eContentType === OID.tstInfo
          ? 'document-timestamp'
          : k?.ownerType === 'agency'
            ? 'agency'
            : k?.ownerType === 'user'
              ? 'person'
              : 'unknown',
      subFilter: md?.subFilter ?? null,
      reason: md?.reason ?? null,
      location: md?.location ?? null,
      valid,
      integrity,
      signatureValid,
      trusted,
      chain: chain.map((c) => c.subject.text),
      coversWholeDocument,
      reachesEndOfFile,
      modifiedAfterSigning,
      changesAfterSigning: modifications.changes,
      changesAllowed: modifications.allowed,
      modificationLevel: modifications.level,
      docMdp: index === 0 ? docMdp : null,
      certificateValidAtSigningTime,
      revoked,
      timestamp,
      problems,
      byteRange: br,
      widget: md?.widget ?? null,
      signerFingerprint: signer?.fingerprint ?? null,
    };
  });
  // B-LTA: the validation data is covered by a valid document time-stamp made after the signature.
  for (const r of results)
    if (r.pades === 'B-LT' && results.some((t) => t.kind === 'document-timestamp' && t.index > r.index && t.valid))
      r.pades = 'B-LTA';
  return results;
}
