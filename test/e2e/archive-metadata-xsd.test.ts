import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { codeNotation } from '../../src/modules/dossiers/archive/archival-metadata.js';
import { METADATA_XSD, METADATA_XSD_NAME } from '../../src/modules/dossiers/archive/metadata-schema.js';
import { buildTransferPackage } from '../../src/modules/dossiers/archive/package-builder.js';
import { readZip } from '../../src/modules/dossiers/archive/zip.js';
import type { FilingDocument } from '../../src/modules/dossiers/dossier-document-source.js';
import type { DossierEntity, DossierItemEntity } from '../../src/modules/dossiers/dossier.entity.js';
import { validateXml, XMLLINT } from '../support/xmllint.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const AT = new Date('2026-11-20T03:00:00Z');
const TZ = 'Asia/Ho_Chi_Minh';

function outgoing(content: Buffer): FilingDocument {
  return {
    id: 'out-1',
    agencyId: 'a1',
    direction: 'outgoing',
    status: 'issued',
    final: true,
    signed: true,
    secrecy: null,
    typeCode: 'TB',
    typeName: 'Thông báo',
    number: '02',
    notation: '02/TB-SNV',
    documentDate: new Date('2026-03-10T02:00:00Z'),
    organName: 'Sở Nội vụ',
    subject: 'Thông báo kết quả tuyển dụng <đợt 1> & bổ sung',
    language: 'Tiếng Việt',
    pageCount: 2,
    signerName: 'Nguyễn Văn Ký',
    signerTitle: 'Giám đốc',
    description: 'Bản gốc lưu tại Văn phòng',
    urgencyRank: 1,
    secrecyRank: 0,
    issuedAmount: 5,
    recipients: [
      { organId: '000.00.00.H42', organName: 'Ủy ban nhân dân tỉnh' },
      { organId: null, organName: 'Bộ Nội vụ' },
    ],
    dueDate: new Date('2026-03-31T16:59:59Z'),
    files: [
      { name: 'tb.pdf', sha256: sha(content), mediaType: 'application/pdf', size: content.length, role: 'signed' },
    ],
    history: [{ at: AT, actorName: 'Trần Thị Soạn', action: 'drafted' }],
  };
}

function incoming(content: Buffer): FilingDocument {
  return {
    ...outgoing(content),
    id: 'in-1',
    direction: 'incoming',
    typeName: 'Công văn',
    number: '15',
    notation: '15/BNV-VP',
    documentDate: new Date('2026-03-05T02:00:00Z'),
    organName: 'Bộ Nội vụ',
    subject: 'Về việc báo cáo biên chế',
    description: '',
    recipients: [],
    arrivalDate: new Date('2026-03-06T01:00:00Z'),
    arrivalNumber: 123,
    toPlaces: 'Lê Văn Chuyên; Phạm Thị Phối',
    history: [
      { at: AT, actorName: 'Văn thư', action: 'received' },
      { at: AT, actorName: 'Giám đốc', action: 'directed', note: 'Giao Phòng TCCB chủ trì' },
    ],
  };
}

describe('archive metadata: appendix VI fields, valid against the published XSD', () => {
  it('splits CodeNotation from the number', () => {
    assert.equal(codeNotation('02', '02/TB-SNV'), 'TB-SNV');
    assert.equal(codeNotation('15', '15/BNV-VP'), 'BNV-VP');
    assert.equal(codeNotation(null, '7/UBND'), 'UBND');
    assert.equal(codeNotation(null, 'CV-KHONG-SO'), 'CV-KHONG-SO');
    assert.equal(codeNotation(null, null), null);
  });

  it('publishes the schema in docs/schemas, identical to the one written into packages', () => {
    const published = readFileSync(join(process.cwd(), 'docs', 'schemas', METADATA_XSD_NAME), 'utf8');
    assert.equal(published, METADATA_XSD);
  });

  it(
    'given a package with an outgoing and an incoming document, metadata.xml validates and carries every field',
    {
      skip: !XMLLINT && 'xmllint (libxml2-utils) is not installed',
    },
    async () => {
      const pdf = await PDFDocument.create();
      pdf.addPage();
      const content = Buffer.from(await pdf.save());
      const docs = new Map([
        ['out-1', outgoing(content)],
        ['in-1', incoming(content)],
      ]);
      const items = ['in-1', 'out-1'].map((documentId, i) => ({ documentId, order: i + 1 }) as DossierItemEntity);
      const dossier = {
        id: 'x',
        code: '000.00.01.H42.2026.01.TCCB',
        year: 2026,
        notation: '01.TCCB',
        title: 'Hồ sơ tuyển dụng công chức',
        retentionPermanent: false,
        retentionYears: 20,
        rights: 'Hạn chế',
        creatorName: 'Lê Văn Chuyên',
        language: 'Tiếng Việt',
        startDate: new Date('2026-03-05T00:00:00Z'),
        endDate: new Date('2026-03-10T00:00:00Z'),
        docTotal: 2,
        pageTotal: 4,
        description: 'Đã rà soát',
        secrecy: null,
        documentIndex: null,
      } as unknown as DossierEntity;
      const zip = await buildTransferPackage({
        transferId: 't1',
        agency: { organId: '000.00.01.H42', name: 'Sở Nội vụ' },
        submittedBy: 'Lê Văn Chuyên',
        dossiers: [{ dossier, items, trail: [] }],
        documents: docs,
        loadFile: async () => content,
        createdAt: AT,
        timezone: TZ,
      });
      const entries = readZip(zip);
      const xml = entries.find((e) => e.name === `data/${dossier.code}/metadata.xml`)!.data.toString();
      const xsd = entries.find((e) => e.name === `data/${dossier.code}/${METADATA_XSD_NAME}`)!.data;
      assert.equal(validateXml(xml, xsd), '');
      assert.match(xml, /xsi:noNamespaceSchemaLocation="ho-so-pl6.xsd"/);
      const out = xml.slice(xml.indexOf('<DocumentId>out-1'));
      const inc = xml.slice(xml.indexOf('<DocumentId>in-1'), xml.indexOf('<DocumentId>out-1'));
      assert.match(out, /<CodeNumber>02<\/CodeNumber>\s*<CodeNotation>TB-SNV<\/CodeNotation>/);
      assert.match(out, /<Description>Bản gốc lưu tại Văn phòng<\/Description>/);
      assert.match(out, /<To>\s*<Place>\s*<OrganId>000.00.00.H42<\/OrganId>\s*<OrganName>Ủy ban nhân dân tỉnh/);
      assert.match(out, /<Place>\s*<OrganName>Bộ Nội vụ<\/OrganName>/);
      assert.match(out, /<Priority>1<\/Priority>/);
      assert.match(out, /<IssuedAmount>5<\/IssuedAmount>/);
      assert.match(out, /<DueDate>2026-03-31<\/DueDate>/);
      assert.match(out, /&lt;đợt 1&gt; &amp; bổ sung/);
      assert.doesNotMatch(out, /<ArrivalNumber>/);
      assert.match(inc, /<CodeNotation>BNV-VP<\/CodeNotation>/);
      assert.match(inc, /<ArrivalDate>2026-03-06<\/ArrivalDate>\s*<ArrivalNumber>123<\/ArrivalNumber>/);
      assert.match(inc, /<ToPlaces>Lê Văn Chuyên; Phạm Thị Phối<\/ToPlaces>/);
      assert.match(inc, /<TraceHeader>[\s\S]*<Note>Giao Phòng TCCB chủ trì<\/Note>/);
      assert.doesNotMatch(inc, /<IssuedAmount>|<To>/);
      assert.match(xml, /<Maintenance>20 năm<\/Maintenance>/);
      assert.match(xml, /<Identifier>000.00.01.H42.2026.01.TCCB.0000001<\/Identifier>/);
      // the same fields in metadata.json
      const json = JSON.parse(entries.find((e) => e.name.endsWith('metadata.json'))!.data.toString());
      const o = json.documents.find((d: { DocumentId: string }) => d.DocumentId === 'out-1');
      assert.equal(o.CodeNotation, 'TB-SNV');
      assert.equal(o.IssuedAmount, 5);

      // a field beyond the decree's length is refused by the schema (the XSD is not decorative)
      const tooLong = xml.replace(
        '<CodeNotation>TB-SNV</CodeNotation>',
        `<CodeNotation>${'X'.repeat(31)}</CodeNotation>`,
      );
      assert.match(validateXml(tooLong, xsd), /CodeNotation/);
    },
  );
});
