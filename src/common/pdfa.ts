import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';

/**
 * PDF/A-2b (ISO 19005-2, level B) for every PDF hoso produces — issued documents and the drafts signed, registers,
 * archive package reports, dossier exports — since the archive keeps them permanently. What this adds to a
 * pdf-lib document (the fonts are already embedded subsets with ToUnicode maps, common/tinos-fonts.ts):
 * - XMP metadata (§6.6.2) with the PDF/A identification (pdfaid:part 2, conformance B) and the same title,
 *   producer and dates as the document information dictionary (§6.6.3);
 * - an output intent GTS_PDFA1 with the sRGB IEC61966-2.1 ICC profile (§6.2.3), so DeviceRGB and DeviceGray
 *   colours are defined (no DeviceCMYK is used anywhere);
 * - a file identifier in the trailer (§6.1.3).
 * Rules checked by the tests: every font embedded and subset with a text mapping (pdffonts), the XMP and output
 * intent present and consistent, qpdf --check clean, no annotation without an appearance or the Print flag.
 * veraPDF is not installable on these machines (not in Debian); see README.
 */
let icc: Buffer | undefined;
const srgb = () => (icc ??= readFileSync(join(__dirname, '../../../assets/icc/sRGB.icc')));

const esc = (s: string) =>
  s.normalize('NFC').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** ISO 8601 with the seconds and a Z, as XMP and the Info dictionary's date (pdf-lib writes UTC). */
const xmpDate = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

export interface PdfAInfo {
  title: string;
  createdAt: Date;
  language?: string;
}

export function makePdfA(doc: PDFDocument, info: PdfAInfo): void {
  const at = new Date(Math.floor(info.createdAt.getTime() / 1000) * 1000);
  doc.setTitle(info.title.normalize('NFC'), { showInWindowTitleBar: true });
  doc.setProducer('hoso');
  doc.setCreator('hoso');
  doc.setCreationDate(at);
  doc.setModificationDate(at);
  if (info.language) doc.setLanguage(info.language);
  const xmp = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${esc(info.title)}</rdf:li></rdf:Alt></dc:title>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>hoso</xmp:CreatorTool>
   <xmp:CreateDate>${xmpDate(at)}</xmp:CreateDate>
   <xmp:ModifyDate>${xmpDate(at)}</xmp:ModifyDate>
   <xmp:MetadataDate>${xmpDate(at)}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>hoso</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
  const ctx = doc.context;
  const metadata = ctx.stream(Buffer.from(xmp, 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), ctx.register(metadata));
  const profile = ctx.register(ctx.flateStream(srgb(), { N: 3 }));
  const intent = ctx.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: profile,
  });
  doc.catalog.set(PDFName.of('OutputIntents'), ctx.obj([intent]));
  const id = PDFHexString.of(createHash('md5').update(`${info.title}|${at.toISOString()}`).digest('hex'));
  ctx.trailerInfo.ID = ctx.obj([id, id]);
}
