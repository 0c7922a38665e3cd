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
});
