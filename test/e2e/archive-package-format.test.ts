import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { verifyBag } from '../../src/modules/dossiers/archive/bagit.js';
import { buildTransferPackage } from '../../src/modules/dossiers/archive/package-builder.js';
import { readZip, writeZip } from '../../src/modules/dossiers/archive/zip.js';
import type { FilingDocument } from '../../src/modules/dossiers/dossier-document-source.js';
import type { DossierEntity, DossierItemEntity } from '../../src/modules/dossiers/dossier.entity.js';
import { buildDocumentIndex } from '../../src/modules/dossiers/dossier-closing.service.js';
import { shape } from '../../src/modules/signing/glyph-paths.js';
import {
  makePdf,
  pdfaProblems,
  PDFFONTS,
  pdffonts,
  PDFTOTEXT,
  pdftotext,
  QPDF,
  qpdfCheck,
} from '../signing/pdf-fixtures.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const AT = new Date('2026-11-20T03:00:00Z');

function doc(id: string, day: number, content: Buffer): FilingDocument {
  return {
    id,
    agencyId: 'a1',
    direction: 'outgoing',
    status: 'issued',
    final: true,
    signed: true,
    secrecy: null,
    typeCode: 'QĐ',
    typeName: 'Quyết định',
    number: String(day).padStart(2, '0'),
    notation: 'QĐ-SNV',
    documentDate: new Date(Date.UTC(2026, 2, day, 2)),
    organName: 'Sở Nội vụ',
    subject: `Về việc tuyển dụng đợt ${day}`,
    language: 'Tiếng Việt',
    pageCount: 2,
    signerName: 'Nguyễn Văn Ký',
    signerTitle: 'Giám đốc',
    files: [
      {
        name: 'quyet-dinh.pdf',
        sha256: sha(content),
        mediaType: 'application/pdf',
        size: content.length,
        role: 'signed',
      },
    ],
    history: [{ at: AT, actorName: 'Trần Thị Soạn', action: 'drafted' }],
  };
}

describe('archive package format (BagIt ZIP)', () => {
  it('writes a ZIP that reads back byte for byte, with UTF-8 names', () => {
    const entries = [
      { name: 'data/hồ sơ/a.txt', data: Buffer.from('Xin chào') },
      { name: 'b.bin', data: Buffer.alloc(1000, 7) },
    ];
    const back = readZip(writeZip(entries, AT));
    assert.deepEqual(
      back.map((e) => [e.name, e.data.toString('hex'), e.crcOk]),
      entries.map((e) => [e.name, e.data.toString('hex'), true]),
    );
  });

  it('given a built package, verification passes; one altered byte is named; a removed file is named', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage();
    const content = Buffer.from(await pdf.save());
    const files = new Map([[sha(content), content]]);
    const docs = new Map(['d1', 'd2'].map((id, i) => [id, doc(id, 10 - i, content)]));
    const items = ['d1', 'd2'].map(
      (documentId, i) => ({ documentId, order: i + 1, dossierId: 'x' }) as DossierItemEntity,
    );
    const dossier = {
      id: 'x',
      code: '000.00.01.H42.2026.01.TCCB',
      year: 2026,
      notation: '01.TCCB',
      title: 'Hồ sơ tuyển dụng công chức',
      retentionPermanent: true,
      retentionYears: null,
      rights: 'Hạn chế',
      creatorName: 'Lê Văn Chuyên',
      language: 'Tiếng Việt',
      startDate: new Date('2026-03-09T00:00:00Z'),
      endDate: new Date('2026-03-10T00:00:00Z'),
      docTotal: 2,
      pageTotal: 4,
      description: '',
      documentIndex: buildDocumentIndex([docs.get('d2')!, docs.get('d1')!], 'Asia/Ho_Chi_Minh'),
    } as unknown as DossierEntity;
    const zip = await buildTransferPackage({
      transferId: 't1',
      agency: { organId: '000.00.01.H42', name: 'Sở Nội vụ' },
      submittedBy: 'Lê Văn Chuyên',
      dossiers: [{ dossier, items, trail: [{ at: AT, action: 'dossier.opened', actorId: 'u1' }] }],
      documents: docs,
      loadFile: async (h) => files.get(h)!,
      createdAt: AT,
      timezone: 'Asia/Ho_Chi_Minh',
    });
    const names = readZip(zip).map((e) => e.name);
    for (const n of [
      'bagit.txt',
      'bag-info.txt',
      'manifest-sha256.txt',
      'data/muc-luc-ho-so.pdf',
      'data/bien-ban-giao-nhan.pdf',
      `data/${dossier.code}/metadata.xml`,
      `data/${dossier.code}/metadata.json`,
      `data/${dossier.code}/history.json`,
      `data/${dossier.code}/muc-luc-van-ban.pdf`,
      `data/${dossier.code}/documents/001/signed-quyet-dinh.pdf`,
    ])
      assert.ok(names.includes(n), `${n} in package`);
    const ok = await verifyBag(zip);
    assert.equal(ok.ok, true, JSON.stringify(ok.problems));

    // the earliest document comes first in the index
    const meta = JSON.parse(
      readZip(zip)
        .find((e) => e.name.endsWith('metadata.json'))!
        .data.toString(),
    );
    assert.equal(meta.documents[0].DocumentId, 'd2');
    assert.equal(meta.dossier.FileCode.FileNotation, '01.TCCB');

    const target = readZip(zip).find((e) => e.name.endsWith('001/signed-quyet-dinh.pdf'))!;
    const bad = Buffer.from(zip);
    const at = bad.indexOf(target.data) + 20;
    bad[at] ^= 0xff;
    const report = await verifyBag(bad);
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.map((p) => `${p.code} ${p.path}`),
      [`CHECKSUM_MISMATCH data/${dossier.code}/documents/001/signed-quyet-dinh.pdf`],
    );

    const without = writeZip(
      readZip(zip).filter((e) => !e.name.endsWith('history.json')),
      AT,
    );
    const r2 = await verifyBag(without);
    assert.deepEqual(
      r2.problems.map((p) => `${p.code} ${p.path}`),
      [`FILE_MISSING data/${dossier.code}/history.json`],
    );
  });

  it(
    'the package reports read back their whole Vietnamese titles, embed every font, and history.json agrees with the metadata on notations',
    { skip: PDFTOTEXT && PDFFONTS && QPDF ? false : 'poppler-utils/qpdf missing' },
    async () => {
      // The seal and signature appearances draw composite glyphs (Ở = Ơ + hook) as outlines in the same process:
      // fontkit then keeps their components without characters, which used to drop Ơ, U, O from every later PDF.
      shape('bold', 'SỞ NỘI VỤ HỒ SƠ LƯU TRỮ GIAO NHẬN TÀI LIỆU', 12);
      const content = await makePdf(1);
      const files = new Map([[sha(content), content]]);
      const d1 = { ...doc('d1', 2, content), number: '02', notation: '02/TB-SNV' };
      const dossier = {
        id: 'x',
        code: '000.00.01.H42.2026.02.TCCB',
        year: 2026,
        notation: '02.TCCB',
        title: 'Hồ sơ thông báo',
        retentionPermanent: true,
        retentionYears: null,
        rights: 'Hạn chế',
        creatorName: 'Lê Văn Chuyên',
        language: 'Tiếng Việt',
        startDate: new Date('2026-03-02T00:00:00Z'),
        endDate: new Date('2026-03-02T00:00:00Z'),
        docTotal: 1,
        pageTotal: 1,
        description: '',
        documentIndex: buildDocumentIndex([d1], 'Asia/Ho_Chi_Minh'),
      } as unknown as DossierEntity;
      const zip = await buildTransferPackage({
        transferId: 't2',
        agency: { organId: '000.00.01.H42', name: 'Sở Nội vụ' },
        submittedBy: 'Lê Văn Chuyên',
        dossiers: [
          { dossier, items: [{ documentId: 'd1', order: 1, dossierId: 'x' } as DossierItemEntity], trail: [] },
        ],
        documents: new Map([['d1', d1]]),
        loadFile: async (h) => files.get(h)!,
        createdAt: AT,
        timezone: 'Asia/Ho_Chi_Minh',
      });
      const entries = readZip(zip);
      const file = (suffix: string) => entries.find((e) => e.name.endsWith(suffix))!.data;
      assert.match(pdftotext(file('muc-luc-ho-so.pdf')), /MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU/);
      assert.match(pdftotext(file('bien-ban-giao-nhan.pdf')), /BIÊN BẢN GIAO NHẬN TÀI LIỆU/);
      assert.match(pdftotext(file('muc-luc-van-ban.pdf')), /MỤC LỤC VĂN BẢN/);
      for (const name of ['muc-luc-ho-so.pdf', 'bien-ban-giao-nhan.pdf', 'muc-luc-van-ban.pdf']) {
        assert.deepEqual(await pdfaProblems(file(name)), [], name);
        const q = qpdfCheck(file(name));
        assert.ok(q.ok, `${name}: ${q.out}`);
        for (const f of pdffonts(file(name)))
          assert.deepEqual([name, f.name, f.emb, f.sub, f.uni], [name, f.name, true, true, true]);
      }
      const history = JSON.parse(file('history.json').toString());
      const meta = JSON.parse(file('metadata.json').toString());
      assert.equal(history.documents[0].notation, '02/TB-SNV');
      assert.equal(history.documents[0].notation, meta.documents[0].CodeNotation);
    },
  );
});
