import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import { DocumentEntity } from '../documents/index.js';
import { AgencyEntity } from '../organizations/index.js';
import { StorageService } from '../storage/index.js';
import { buildEdoc, buildStatus, makeDocumentId, type BusinessKind, type StatusCode } from './edxml.js';
import { ExchangePeerEntity, type ExchangeOutboxEntity } from './exchange.entity.js';

const PRIORITY: Record<string, number> = { urgent: 1, 'top-urgent': 2, flash: 3 };

/** Local date yyyy-MM-dd of an instant in the business time zone. */
export const localDate = (d: Date, tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(d);

/** The DocumentId of an issued document (QCVN 102: `OrganId,yyyy/MM/dd,number/notation`). */
export function documentIdOf(
  organId: string,
  d: Pick<DocumentEntity, 'documentDate' | 'issuedAt' | 'notation'>,
  tz: string,
) {
  const date = d.documentDate ?? d.issuedAt ?? new Date(0);
  return makeDocumentId(organId, localDate(date, tz), d.notation ?? '');
}

/** Builds the package a queued row stands for, from the document as it is when first sent. */
@Injectable()
export class PackageBuilder {
  constructor(
    private readonly tx: TransactionService,
    private readonly storage: StorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async build(row: ExchangeOutboxEntity): Promise<Buffer> {
    return row.kind === 'status' ? this.status(row) : this.edoc(row);
  }

  private async organ(organId: string) {
    const m = this.tx.manager;
    const local = await m.findOne(AgencyEntity, { where: { organId } });
    const peer = local ? null : await m.findOne(ExchangePeerEntity, { where: { organId } });
    return { organId, organName: local?.name ?? peer?.name ?? '' };
  }

  private async status(row: ExchangeOutboxEntity): Promise<Buffer> {
    const [organId, date, code] = (row.remoteDocumentId ?? '').split(',');
    return buildStatus({
      responseFor: {
        organId: organId ?? row.targetOrganId,
        code: code ?? '',
        promulgationDate: date ?? '',
        documentId: row.remoteDocumentId ?? '',
      },
      from: await this.organ(row.fromOrganId),
      statusCode: row.statusCode as StatusCode,
      description: row.reason,
      timestamp: row.createdAt.toISOString(),
      staff: row.staff ?? {},
    });
  }

  private async edoc(row: ExchangeOutboxEntity): Promise<Buffer> {
    const m = this.tx.manager;
    const d = await m.findOne(DocumentEntity, { where: { id: row.documentId } });
    if (!d?.pdfSha256 || !d.notation) throw new Error(`document ${row.documentId} has no issued PDF`);
    const from = await this.organ(row.fromOrganId);
    const to = await this.organ(row.targetOrganId);
    const agency = await m.findOne(AgencyEntity, { where: { id: d.agencyId } });
    const tz = this.config.timezone;
    const [number, ...rest] = d.notation.split('/');
    const pdf = await this.storage.get(d.pdfSha256);
    return buildEdoc({
      header: {
        from,
        to: [to],
        documentId: row.remoteDocumentId ?? documentIdOf(from.organId, d, tz),
        codeNumber: number,
        codeNotation: rest.join('/'),
        place: agency?.placeName ?? '',
        promulgationDate: localDate(d.documentDate ?? d.issuedAt ?? new Date(0), tz),
        typeCode: d.typeCode,
        typeName: d.typeName,
        subject: d.subject,
        content: d.description ?? '',
        signerCompetence: d.signerAuthority ?? '',
        signerPosition: d.signerTitle ?? '',
        signerName: d.signerName ?? '',
        dueDate: d.dueAt ? localDate(d.dueAt, tz) : '',
        toPlaces: [to.organName],
        priority: PRIORITY[d.urgency ?? ''] ?? 0,
        steeringType: 0,
        promulgationAmount: d.issuedAmount ?? 1,
        pageAmount: d.pageCount ?? 0,
      },
      trace: [{ organId: from.organId, timestamp: row.createdAt.toISOString() }],
      business: { kind: row.businessKind as BusinessKind, reason: row.reason, paper: false, staff: row.staff ?? {} },
      attachments: [
        {
          contentId: 'vanban-1',
          contentType: 'application/pdf',
          name: `${d.notation.replace(/[^\p{L}\d-]+/gu, '-')}.pdf`,
          description: d.subject.slice(0, 200),
          data: pdf,
        },
      ],
    });
  }
}
