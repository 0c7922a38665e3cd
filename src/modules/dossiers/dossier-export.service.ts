import { makePdfA } from '../../common/pdfa.js';
import { Inject, Injectable } from '@nestjs/common';
import { PDFDocument } from 'pdf-lib';
import { formatViDate } from '../../common/business-time.js';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/index.js';
import type { AuthUser } from '../auth/index.js';
import { AgencyEntity } from '../organizations/index.js';
import { StorageService } from '../storage/index.js';
import { documentMetadata, metadataXml, safeName } from './archive/archival-metadata.js';
import { documentIndexPdf } from './archive/package-builder.js';
import { renderTablePdf } from './archive/pdf-table.js';
import { DocumentAccess } from './document-access.js';
import type { FilingDocument } from './dossier-document-source.js';
import { buildDocumentIndex, chronological } from './dossier-closing.service.js';
import { dossierMetadata } from './dossier.mapper.js';
import { DossiersService } from './dossiers.service.js';

/** The content to show for a document: the signed PDF, else the main file (appendix VI: export a whole file). */
const mainPdf = (doc: FilingDocument) =>
  doc.files.find((f) => f.role === 'signed' && f.mediaType === 'application/pdf') ??
  doc.files.find((f) => f.role === 'main' && f.mediaType === 'application/pdf');

@Injectable()
export class DossierExportService {
  constructor(
    private readonly tx: TransactionService,
    private readonly dossiers: DossiersService,
    private readonly docs: DocumentAccess,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async export(user: AuthUser, id: string, format: 'pdf' | 'xml') {
    const m = this.tx.manager;
    const d = await this.dossiers.visible(user, id, m);
    if (d.state === 'destroyed') this.dossiers.assertNotArchived(d);
    const all = await this.dossiers.items(m, [id]);
    const hidden = await this.dossiers.hiddenSecrets(
      user,
      all.map((i) => i.documentId),
    );
    const items = all.filter((i) => !hidden.has(i.documentId));
    const docs = await this.docs.get(items.map((i) => i.documentId));
    const ordered = chronological(items, docs);
    const agency = await m.findOneByOrFail(AgencyEntity, { id: d.agencyId });
    const tz = this.config.timezone;
    const now = this.clock.now();
    const index = d.documentIndex?.filter((l) => !hidden.has(l.documentId)) ?? buildDocumentIndex(ordered, tz);
    const meta = dossierMetadata(d, agency.organId, tz);
    await this.audit.record({
      actorId: user.id,
      agencyId: d.agencyId,
      action: 'dossier.exported',
      entityType: 'dossier',
      entityId: d.id,
      data: { format },
    });
    const base = safeName(d.code);
    if (format === 'xml') {
      const documents = [];
      for (const [i, doc] of ordered.entries()) {
        const files = [];
        for (const f of doc.files)
          files.push({
            path: f.name,
            sha256: f.sha256,
            mediaType: f.mediaType,
            size: f.size,
            role: f.role,
            Content: (await this.storage.get(f.sha256)).toString('base64'),
          });
        documents.push(documentMetadata(d, agency.organId, doc, index[i]?.ordinal ?? i + 1, tz, files));
      }
      return {
        contentType: 'application/xml; charset=utf-8',
        filename: `${base}.xml`,
        data: Buffer.from(metadataXml(meta, documents, { FileCodeText: d.code, secrecy: d.secrecy })),
      };
    }
    const out = await PDFDocument.create();
    makePdfA(out, { title: d.title, createdAt: now, language: 'vi-VN' });
    const cover = await renderTablePdf({
      heading: [agency.name.toUpperCase()],
      title: 'HỒ SƠ',
      subtitle: [d.title, `Mã hồ sơ: ${d.code}`],
      columns: [
        { header: 'Trường thông tin', width: 30 },
        { header: 'Giá trị', width: 70 },
      ],
      rows: [
        ['Mã hồ sơ (FileCode)', d.code],
        ['Tiêu đề hồ sơ (Title)', meta.Title],
        ['Thời hạn bảo quản (Maintenance)', meta.Maintenance ?? ''],
        ['Chế độ sử dụng (Rights)', meta.Rights],
        ['Người lập hồ sơ (Creator)', meta.Creator],
        ['Ngôn ngữ (Language)', meta.Language],
        ['Thời gian bắt đầu (StartDate)', meta.StartDate ?? ''],
        ['Thời gian kết thúc (EndDate)', meta.EndDate ?? ''],
        ['Tổng số văn bản (DocTotal)', String(ordered.length)],
        ['Tổng số trang (PageTotal)', String(meta.PageTotal)],
        ['Ghi chú (Description)', meta.Description],
      ],
      footer: [`Xuất từ hệ thống ngày ${formatViDate(now, tz)}.`],
      createdAt: now,
    });
    const parts = [cover, await documentIndexPdf({ ...d, documentIndex: index }, agency.organId, agency.name, now, tz)];
    for (const doc of ordered) {
      const f = mainPdf(doc);
      if (f) parts.push(await this.storage.get(f.sha256));
    }
    for (const part of parts) {
      try {
        const src = await PDFDocument.load(part, { ignoreEncryption: true });
        for (const p of await out.copyPages(src, src.getPageIndices())) out.addPage(p);
      } catch {
        /* a document whose PDF cannot be parsed is still listed in the index */
      }
    }
    return { contentType: 'application/pdf', filename: `${base}.pdf`, data: Buffer.from(await out.save()) };
  }
}
