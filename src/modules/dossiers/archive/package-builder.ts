import { createHash } from 'node:crypto';
import { formatViDate, localIsoDate } from '../../../common/business-time.js';
import type { FilingDocument } from '../dossier-document-source.js';
import type { DossierEntity, DossierItemEntity } from '../dossier.entity.js';
import { dossierMetadata } from '../dossier.mapper.js';
import { buildDocumentIndex, chronological } from '../dossier-closing.service.js';
import { retentionLabel } from '../retention.js';
import { documentMetadata, metadataXml, safeName } from './archival-metadata.js';
import { buildBag } from './bagit.js';
import { METADATA_XSD, METADATA_XSD_NAME } from './metadata-schema.js';
import { renderTablePdf } from './pdf-table.js';
import type { ZipEntry } from './zip.js';

export interface PackageInput {
  transferId: string;
  agency: { organId: string; name: string };
  submittedBy: string;
  dossiers: {
    dossier: DossierEntity;
    items: DossierItemEntity[];
    trail: { at: Date; action: string; actorId: string | null }[];
  }[];
  documents: Map<string, FilingDocument>;
  loadFile: (sha256: string) => Promise<Buffer>;
  /** Adds long-term validation data to a signed PDF before it is packed (SigningService.addLongTermValidation). */
  prepareSigned?: (pdf: Buffer) => Promise<Buffer>;
  createdAt: Date;
  timezone: string;
}

const INDEX_COLUMNS = [
  { header: 'STT', width: 4, align: 'center' as const },
  { header: 'Số, ký hiệu văn bản', width: 12 },
  { header: 'Ngày tháng văn bản', width: 9 },
  { header: 'Tên loại và trích yếu nội dung văn bản', width: 36 },
  { header: 'Tác giả văn bản', width: 18 },
  { header: 'Tờ/trang số', width: 6, align: 'center' as const },
  { header: 'Ghi chú', width: 10 },
];

/** Document index (mục lục văn bản) of one dossier, appendix V §IV. */
export function documentIndexPdf(d: DossierEntity, organId: string, agencyName: string, createdAt: Date, tz: string) {
  return renderTablePdf({
    heading: [agencyName.toUpperCase()],
    title: 'MỤC LỤC VĂN BẢN',
    subtitle: [`Hồ sơ số: ${d.notation} — Mã hồ sơ: ${organId}.${d.year}.${d.notation}`, d.title],
    columns: INDEX_COLUMNS,
    rows: (d.documentIndex ?? []).map((l) => [
      String(l.ordinal),
      [l.number, l.notation].filter(Boolean).join(' ') || '—',
      l.documentDate ? l.documentDate.split('-').reverse().join('/') : '',
      `${l.typeName}: ${l.subject}`,
      l.organName,
      String(l.firstPage),
      l.notes,
    ]),
    footer: [
      `Mục lục này gồm ${d.documentIndex?.length ?? 0} văn bản, ${d.pageTotal} trang. Lập ngày ${formatViDate(createdAt, tz)}.`,
    ],
    createdAt,
  });
}

/**
 * Builds the BagIt ZIP of a transfer (Decree 30/2020 appendix V §III–V; appendix VI III.5): per dossier its
 * documents (signed PDFs and originals, drafts and opinions beside them), metadata.xml + metadata.json,
 * history.json and the document index PDF; the transfer list and handover minutes at the top of data/.
 */
export async function buildTransferPackage(input: PackageInput): Promise<Buffer> {
  const { agency, createdAt: now, timezone: tz } = input;
  const payload: ZipEntry[] = [];
  const listRows: string[][] = [];
  let fileCount = 0;
  let n = 0;
  for (const { dossier: d, items, trail } of input.dossiers) {
    const dir = `data/${d.code}`;
    const ordered = chronological(items, input.documents);
    const index = d.documentIndex ?? buildDocumentIndex(ordered, tz);
    const docsMeta = [];
    const history = [];
    for (const [i, doc] of ordered.entries()) {
      const ordinal = index.find((l) => l.documentId === doc.id)?.ordinal ?? i + 1;
      const folder = `${dir}/documents/${String(ordinal).padStart(3, '0')}`;
      const files = [];
      for (const f of doc.files) {
        const path = `${folder}/${f.role}-${safeName(f.name)}`;
        let data = await input.loadFile(f.sha256);
        // A signed PDF leaves with its validation data and a document time-stamp (PAdES B-LTA).
        if (input.prepareSigned && f.role === 'signed' && f.mediaType === 'application/pdf')
          data = await input.prepareSigned(data);
        payload.push({ name: path, data, date: now });
        files.push({
          path: path.slice(dir.length + 1),
          sha256: createHash('sha256').update(data).digest('hex'),
          mediaType: f.mediaType,
          size: data.length,
          role: f.role,
        });
      }
      docsMeta.push(documentMetadata(d, agency.organId, doc, ordinal, tz, files));
      history.push({
        documentId: doc.id,
        ordinal,
        // The notation as metadata.xml/json give it (CodeNotation); it already starts with the number when it has one.
        notation: doc.notation ?? null,
        subject: doc.subject,
        events: doc.history.map((h) => ({
          at: h.at.toISOString(),
          actor: h.actorName,
          action: h.action,
          note: h.note ?? null,
        })),
      });
    }
    const meta = dossierMetadata(d, agency.organId, tz);
    payload.push(
      {
        name: `${dir}/metadata.json`,
        data: Buffer.from(JSON.stringify({ dossier: meta, documents: docsMeta }, null, 2)),
      },
      { name: `${dir}/metadata.xml`, data: Buffer.from(metadataXml(meta, docsMeta, { secrecy: d.secrecy })) },
      { name: `${dir}/${METADATA_XSD_NAME}`, data: Buffer.from(METADATA_XSD) },
      {
        name: `${dir}/history.json`,
        data: Buffer.from(
          JSON.stringify(
            {
              dossier: trail.map((t) => ({ at: t.at.toISOString(), action: t.action, actorId: t.actorId })),
              documents: history,
            },
            null,
            2,
          ),
        ),
      },
      {
        name: `${dir}/muc-luc-van-ban.pdf`,
        data: await documentIndexPdf({ ...d, documentIndex: index }, agency.organId, agency.name, now, tz),
      },
    );
    fileCount += ordered.reduce((s, x) => s + x.files.length, 0);
    listRows.push([
      String(++n),
      d.notation,
      d.title,
      `${meta.StartDate ?? ''} – ${meta.EndDate ?? ''}`,
      retentionLabel(d.retentionPermanent, d.retentionYears) ?? '',
      String(d.pageTotal),
      `${d.docTotal} văn bản`,
    ]);
  }
  const heading = [agency.name.toUpperCase()];
  payload.unshift(
    {
      name: 'data/muc-luc-ho-so.pdf',
      data: await renderTablePdf({
        heading,
        title: 'MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU',
        subtitle: [`Đợt nộp lưu ${input.transferId}`, `Ngày ${formatViDate(now, tz)}`],
        columns: [
          { header: 'STT', width: 4, align: 'center' },
          { header: 'Số, ký hiệu hồ sơ', width: 10 },
          { header: 'Tiêu đề hồ sơ', width: 40 },
          { header: 'Thời gian tài liệu', width: 16 },
          { header: 'Thời hạn bảo quản', width: 10 },
          { header: 'Số tờ/trang', width: 8, align: 'center' },
          { header: 'Ghi chú', width: 12 },
        ],
        rows: listRows,
        footer: [`Mục lục này gồm ${listRows.length} hồ sơ.`],
        createdAt: now,
      }),
    },
    {
      name: 'data/bien-ban-giao-nhan.pdf',
      data: await renderTablePdf({
        heading,
        title: 'BIÊN BẢN GIAO NHẬN TÀI LIỆU',
        subtitle: [`Ngày ${formatViDate(now, tz)}`],
        columns: [
          { header: 'Nội dung', width: 30 },
          { header: 'Thông tin', width: 70 },
        ],
        rows: [
          ['Tên khối tài liệu giao nộp', `Hồ sơ điện tử của ${agency.name}`],
          [
            'Thời gian của tài liệu',
            dateRange(
              input.dossiers.map((x) => x.dossier),
              tz,
            ),
          ],
          ['Số lượng hồ sơ', String(input.dossiers.length)],
          ['Số lượng tệp tin (tài liệu điện tử)', String(fileCount)],
          ['Tình trạng tài liệu giao nộp', 'Tài liệu điện tử, kèm bảng kê mã băm SHA-256 (manifest-sha256.txt)'],
          ['Bên giao', input.submittedBy],
          ['Bên nhận', `Lưu trữ cơ quan — ${agency.name}`],
        ],
        footer: [
          'Kèm theo Mục lục hồ sơ, tài liệu nộp lưu (muc-luc-ho-so.pdf).',
          'Biên bản này được lập thành hai bản, mỗi bên giữ một bản (Nghị định 30/2020/NĐ-CP, Phụ lục V).',
        ],
        createdAt: now,
      }),
    },
  );
  return buildBag(
    payload,
    {
      'Source-Organization': agency.name,
      'Organization-Identifier': agency.organId,
      'External-Identifier': input.transferId,
      'External-Description': `Nộp lưu ${input.dossiers.length} hồ sơ`,
      'Bagging-Date': localIsoDate(now, tz),
      'Bag-Count': '1 of 1',
    },
    now,
  );
}

function dateRange(ds: DossierEntity[], tz: string): string {
  const starts = ds
    .map((d) => d.startDate)
    .filter((x): x is Date => !!x)
    .map((x) => x.getTime());
  const ends = ds
    .map((d) => d.endDate)
    .filter((x): x is Date => !!x)
    .map((x) => x.getTime());
  if (!starts.length) return '';
  return `${formatViDate(new Date(Math.min(...starts)), tz)} – ${formatViDate(new Date(Math.max(...ends, ...starts)), tz)}`;
}
