import { SignPdf } from '@signpdf/signpdf';
import { Signer as SignPdfSigner } from '@signpdf/utils';
import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFPage, PDFRef, PDFString } from 'pdf-lib';
import { buildSignedData } from './cms.js';
import { pdfText, writeIncrementalUpdate, type UpdatableDocument } from './pdf-incremental.js';
import type { PdfRect } from './signing.types.js';
import type { SignatureValue } from './signer.port.js';
import type { ParsedCertificate } from './x509.js';

/**
 * One PAdES signature as an incremental update: a signature field (widget with its appearance on the page,
 * /V → signature dictionary with SubFilter ETSI.CAdES.detached and a zero-filled /Contents), written after the
 * original bytes; @signpdf/signpdf then fixes /ByteRange and embeds our CMS in /Contents.
 */
export interface PlaceSignatureInput {
  upd: UpdatableDocument;
  page: PDFPage;
  rect: PdfRect;
  appearance: PDFRef;
  /** Annotations added in the same signed update (e.g. the document number on page 1), each with its appearance. */
  stamps?: { page: PDFPage; rect: PdfRect; appearance: PDFRef; contents?: string }[];
  fieldName: string;
  signerName: string;
  reason?: string;
  location?: string;
  signingTime: Date;
  certificate: ParsedCertificate;
  extraCertificates: Buffer[];
  sign: (data: Buffer, digest: Buffer) => Promise<SignatureValue>;
  timestamp?: (signatureValue: Buffer) => Promise<Buffer>;
  /**
   * A certification signature with these DocMDP permissions (ISO 32000-1 §12.8.2.2; 2 = fill in forms and sign):
   * the first signature of a document, whose later changes a validator then judges against P.
   */
  docMdp?: 1 | 2 | 3;
}

class CmsSigner extends SignPdfSigner {
  constructor(private readonly build: (content: Buffer) => Promise<Buffer>) {
    super();
  }
  override sign(pdfBuffer: Buffer): Promise<Buffer> {
    return this.build(pdfBuffer);
  }
}

const PLACEHOLDER = '**********';

function addSignatureField(i: PlaceSignatureInput, contentsBytes: number): void {
  const { doc } = i.upd;
  const ctx = doc.context;
  const byteRange = ctx.obj([0, PDFName.of(PLACEHOLDER), PDFName.of(PLACEHOLDER), PDFName.of(PLACEHOLDER)]);
  const sig = ctx.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    // /ByteRange must precede /Contents: @signpdf looks for /Contents after the placeholder.
    ByteRange: byteRange,
    Contents: PDFHexString.of('00'.repeat(contentsBytes)),
    M: PDFString.fromDate(i.signingTime),
    Name: pdfText(i.signerName),
    ...(i.reason ? { Reason: pdfText(i.reason) } : {}),
    ...(i.location ? { Location: pdfText(i.location) } : {}),
    Prop_Build: { App: { Name: PDFName.of('hoso') } },
  });
  if (i.docMdp)
    sig.set(
      PDFName.of('Reference'),
      ctx.obj([
        {
          Type: 'SigRef',
          TransformMethod: 'DocMDP',
          TransformParams: { Type: 'TransformParams', P: i.docMdp, V: PDFName.of('1.2') },
        },
      ]),
    );
  const sigRef = ctx.register(sig);
  if (i.docMdp) doc.catalog.set(PDFName.of('Perms'), ctx.obj({ DocMDP: sigRef }));
  const addAnnot = (page: PDFPage, ref: PDFRef) => {
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    if (annots) annots.push(ref);
    else page.node.set(PDFName.of('Annots'), ctx.obj([ref]));
  };
  const { x, y, width, height } = i.rect;
  const widget = ctx.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: [x, y, x + width, y + height],
    V: sigRef,
    T: pdfText(i.fieldName),
    F: 4 | 128, // Print | Locked
    P: i.page.ref,
    AP: { N: i.appearance },
  });
  const widgetRef = ctx.register(widget);
  addAnnot(i.page, widgetRef);
  // Stamps written by this signer (e.g. the document number), in the signed update. Not widgets of the signature
  // field: poppler counts every widget of a signature field as one more (unsigned) signature.
  for (const s of i.stamps ?? []) {
    const r = s.rect;
    const stamp = ctx.obj({
      Type: 'Annot',
      Subtype: 'Stamp',
      Rect: [r.x, r.y, r.x + r.width, r.y + r.height],
      F: 4 | 64 | 128, // Print | ReadOnly | Locked
      P: s.page.ref,
      ...(s.contents ? { Contents: pdfText(s.contents) } : {}),
      AP: { N: s.appearance },
    });
    addAnnot(s.page, ctx.register(stamp));
  }
  let form = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  if (!form) {
    form = ctx.obj({ Fields: [] });
    doc.catalog.set(PDFName.of('AcroForm'), ctx.register(form));
  }
  form.set(PDFName.of('SigFlags'), PDFNumber.of(3)); // SignaturesExist | AppendOnly
  const fields = form.lookupMaybe(PDFName.of('Fields'), PDFArray);
  if (fields) fields.push(widgetRef);
  else form.set(PDFName.of('Fields'), ctx.obj([widgetRef]));
}

/** Adds the field, writes the incremental update and signs it. Returns the signed PDF. */
export async function placeAndSign(i: PlaceSignatureInput): Promise<Buffer> {
  // Room for the CMS: certificates, the RSA signature and attributes, plus a time-stamp token with its own chain.
  const certBytes = i.certificate.der.length + i.extraCertificates.reduce((n, c) => n + c.length, 0);
  const contentsBytes = Math.ceil((certBytes + 2048 + (i.timestamp ? 12288 : 0)) / 1024) * 1024;
  addSignatureField(i, contentsBytes);
  await i.upd.doc.flush();
  const prepared = writeIncrementalUpdate(i.upd);
  const signer = new CmsSigner((content) =>
    buildSignedData({
      contentDigest: createHash('sha256').update(content).digest(),
      signer: i.certificate,
      extraCertificates: i.extraCertificates,
      signingTime: i.signingTime,
      sign: i.sign,
      timestamp: i.timestamp,
    }),
  );
  return new SignPdf().sign(prepared, signer);
}

/** Existing signature fields (to number the next one). */
export function countSignatureFields(upd: UpdatableDocument): number {
  let n = 0;
  for (const [, obj] of upd.doc.context.enumerateIndirectObjects())
    if (obj instanceof PDFDict && obj.get(PDFName.of('FT')) === PDFName.of('Sig')) n++;
  return n;
}
