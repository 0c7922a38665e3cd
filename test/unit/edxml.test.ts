import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  buildEdoc,
  buildStatus,
  parsePackage,
  sha256hex,
  type Edoc,
  type StatusPackage,
} from '../../src/modules/exchange/edxml.js';

const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'unit', 'fixtures', 'edxml', 'edoc_new.edxml');
const MB = 1024 * 1024;

const sample: Edoc = {
  header: {
    from: { organId: '000.01.00.H42', organName: 'Sở Nội vụ tỉnh Hà Tĩnh', organAdd: '', email: '', telephone: '' },
    to: [{ organId: '000.00.31.H42', organName: 'UBND xã Thạch Kim', organAdd: '', email: '', telephone: '' }],
    documentId: '000.01.00.H42,2026/12/08,12/SNV-VP',
    codeNumber: '12',
    codeNotation: 'SNV-VP',
    place: 'Hà Tĩnh',
    promulgationDate: '2026-12-08',
    typeCode: 'CV',
    typeName: 'Công văn',
    subject: 'Về việc <rà soát> & "kiểm tra" hồ sơ',
    content: '',
    signerCompetence: 'KT.',
    signerPosition: 'Phó Giám đốc',
    signerName: 'Nguyễn Văn Ký',
    dueDate: '2026-12-20',
    toPlaces: ['UBND xã Thạch Kim', 'Lưu: VT'],
    priority: 1,
    steeringType: 0,
    promulgationAmount: 2,
    pageAmount: 1,
  },
  trace: [{ organId: '000.01.00.H42', timestamp: '2026-12-08T01:00:00.000Z' }],
  business: {
    kind: 'new',
    reason: '',
    paper: false,
    staff: { department: 'VP', staff: 'Văn thư', email: '', mobile: '' },
  },
  attachments: [
    {
      contentId: 'vanban-1',
      contentType: 'application/pdf',
      name: '12-SNV-VP.pdf',
      description: 'Văn bản',
      data: Buffer.from('%PDF-1.7 test bytes ✓'),
    },
  ],
};

describe('edXML codec (QCVN 102:2016)', () => {
  it('parses the sample envelope written from the documented structure', () => {
    const p = parsePackage(readFileSync(FIXTURE), 10 * MB);
    assert.equal(p.kind, 'edoc');
    if (p.kind !== 'edoc') return;
    const h = p.edoc.header;
    assert.equal(h.from.organId, '000.00.00.G22');
    assert.equal(h.from.organName, 'Văn phòng Chính phủ');
    assert.deepEqual(
      h.to.map((t) => t.organId),
      ['000.00.00.H42'],
    );
    assert.equal(h.documentId, '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    assert.equal(h.codeNumber, '7816');
    assert.equal(h.codeNotation, 'VPCP-TTĐT');
    assert.equal(h.promulgationDate, '2015-09-30');
    assert.equal(h.typeName, 'Công văn');
    assert.equal(h.signerName, 'Nguyễn Văn A');
    assert.equal(h.toPlaces.length, 2);
    assert.equal(p.edoc.business.kind, 'new');
    assert.equal(p.edoc.business.staff.staff, 'Trần Thị B');
    assert.equal(p.edoc.attachments.length, 1);
    assert.equal(p.edoc.attachments[0].name, '7816-VPCP-TTDT.pdf');
    assert.equal(p.edoc.attachments[0].data.subarray(0, 5).toString(), '%PDF-');
    assert.equal(p.edoc.attachments[0].digestChecked, false);
  });

  it('round-trips the envelope it builds, with the edXML: prefix on every element', () => {
    const bytes = buildEdoc(sample);
    assert.ok(!/<(?!edXML:|\/edXML:|\?xml)[A-Za-z]/.test(bytes.toString()), 'an unprefixed element');
    const p = parsePackage(bytes, 10 * MB);
    assert.equal(p.kind, 'edoc');
    if (p.kind !== 'edoc') return;
    const { digestChecked, ...att } = p.edoc.attachments[0];
    assert.equal(digestChecked, true);
    assert.deepEqual(att, sample.attachments[0]);
    assert.deepEqual(p.edoc.header, sample.header);
    assert.deepEqual(p.edoc.business, sample.business);
    assert.deepEqual(p.edoc.trace, sample.trace);
    for (const kind of ['recall', 'update', 'replace'] as const) {
      const again = parsePackage(buildEdoc({ ...sample, business: { ...sample.business, kind, reason: 'Lý do' } }), MB);
      assert.equal(again.kind === 'edoc' && again.edoc.business.kind, kind);
    }
  });

  it('round-trips the status package', () => {
    const s: StatusPackage = {
      responseFor: {
        organId: '000.01.00.H42',
        code: '12/SNV-VP',
        promulgationDate: '2026-12-08',
        documentId: sample.header.documentId,
      },
      from: { organId: '000.00.31.H42', organName: 'UBND xã Thạch Kim', organAdd: '', email: '', telephone: '' },
      statusCode: '02',
      description: 'Không đúng thẩm quyền',
      timestamp: '2026-12-08T02:00:00.000Z',
      staff: { department: '', staff: 'Văn thư xã', email: '', mobile: '' },
    };
    assert.deepEqual(parsePackage(buildStatus(s), MB), { kind: 'status', status: s });
  });

  const refused = (xml: string | Buffer, reason: string, max = MB) =>
    assert.throws(
      () => parsePackage(Buffer.isBuffer(xml) ? xml : Buffer.from(xml), max),
      (e: { reason?: string }) => e.reason === reason,
    );

  it('refuses DTDs and entities (XXE, billion laughs) before reading anything', () => {
    const ok = buildEdoc(sample).toString();
    refused(ok.replace('?>', '?><!DOCTYPE x [<!ENTITY a "aaaa">]>'), 'xml');
    refused(ok.replace('?>', '?><!DOCTYPE x SYSTEM "file:///etc/passwd">'), 'xml');
    refused(ok.replace('Công văn', '&xxe;'), 'xml');
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    refused(laughs, 'xml');
  });

  it('refuses a wrong digest, a missing attachment, oversized, malformed and foreign packages', () => {
    const ok = buildEdoc(sample).toString();
    refused(ok.replace(sha256hex(sample.attachments[0].data), sha256hex(Buffer.from('other'))), 'digest');
    refused(ok.replace(/<edXML:AttachmentEncoded>[\s\S]*<\/edXML:AttachmentEncoded>/, ''), 'attachment-missing');
    refused(ok, 'too-large', 100);
    refused(ok.slice(0, ok.length - 20), 'xml');
    refused(ok.replace('http://www.mic.gov.vn/TBT/QCVN_102_2016', 'urn:other'), 'not-edxml');
    refused(ok.replace('000.01.00.H42</edXML:OrganId>', 'H42</edXML:OrganId>'), 'bad-organ');
    refused(ok.replace('<edXML:BussinessDocType>0<', '<edXML:BussinessDocType>9<'), 'bad-business-type');
    refused(`<?xml version="1.0"?>${'<a>'.repeat(100)}${'</a>'.repeat(100)}`, 'xml');
  });
});
