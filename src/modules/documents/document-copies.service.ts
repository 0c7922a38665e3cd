import { Inject, Injectable } from '@nestjs/common';
import { PDFDocument, rgb } from 'pdf-lib';
import { formatViDate } from '../../common/business-time.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { badRequest, conflict, forbidden, notFound } from '../../common/domain-error.js';
import { embedTinos } from '../../common/tinos-fonts.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import { DocumentAccessPolicy, type AuthUser } from '../auth/index.js';
import { RegistersService, textWidth } from '../registers/index.js';
import { StorageService } from '../storage/index.js';
import { DocumentCopyEntity, type CopyForm } from './document-copy.entity.js';
import { DocumentQueryService } from './document-query.service.js';
import { DocumentTrail } from './document-trail.service.js';
import type { DocumentEntity } from './document.entity.js';
import { Directory } from './directory.js';
import type { CreateCopyDto } from './dto/document-copies.dto.js';
import { SigningGateway } from './signing-gateway.js';
import './document-records.messages.js';

/** Decree 30/2020, appendix I (copy layout): the form's words and the abbreviation in the copy's number. */
const FORM: Record<CopyForm, { label: string; abbr: string }> = {
  'sao-y': { label: 'SAO Y', abbr: 'SY' },
  'sao-luc': { label: 'SAO LỤC', abbr: 'SL' },
  'trich-sao': { label: 'TRÍCH SAO', abbr: 'TS' },
};

/** "1-2,4" → [0, 1, 3] (zero-based, in order, once each); a page outside the document is refused. */
export function parsePages(spec: string, count: number): number[] {
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const [a, b = a] = part.split('-').map(Number);
    if (a < 1 || b < a || b > count) throw badRequest('COPY_PAGES_INVALID', { pages: spec, count });
    for (let p = a; p <= b; p++) out.add(p - 1);
  }
  return [...out].sort((x, y) => x - y);
}

/**
 * Electronic copies (Decree 30/2020, art. 25–27): a clerk of the agency copies an issued or received document
 * (whole: sao y, sao lục; chosen pages: trích sao) into a new PDF that carries the copy form's heading top right
 * of its first page — form, copying agency, the copy's number and notation — and the agency's digital signature
 * with its signing time (appendix I: for an electronic copy the agency's signature stands for the seal and the
 * signer). The copy takes its own number in the agency's copies register and stays linked to the original.
 */
@Injectable()
export class DocumentCopiesService {
  constructor(
    private readonly tx: TransactionService,
    private readonly query: DocumentQueryService,
    private readonly policy: DocumentAccessPolicy,
    private readonly trail: DocumentTrail,
    private readonly registers: RegistersService,
    private readonly storage: StorageService,
    private readonly signing: SigningGateway,
    private readonly directory: Directory,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private registered(d: DocumentEntity): boolean {
    return d.direction === 'incoming' ? d.arrivalNumber !== null : ['issued', 'filed'].includes(d.status);
  }

  async create(user: AuthUser, originalId: string, dto: CreateCopyDto) {
    const form = dto.form as CopyForm;
    if (form === 'trich-sao' && !dto.pages) throw badRequest('COPY_PAGES_REQUIRED');
    return this.tx.run(async (m) => {
      const d = await this.query.load(user, originalId, m);
      if (!this.policy.isClerk(user, d.agencyId)) throw forbidden('COPY_CLERK_ONLY');
      if (!this.registered(d) || !d.pdfSha256) throw conflict('DOCUMENT_NOT_REGISTERED', { status: d.status });
      const now = this.clock.now();
      const source = await PDFDocument.load(await this.storage.get(d.pdfSha256), { ignoreEncryption: true });
      const pages = dto.pages ? parsePages(dto.pages, source.getPageCount()) : source.getPageIndices();
      const id = this.ids.next();
      const agency = (await this.directory.agency(m, d.agencyId))!;
      const taken = await this.registers.takeNumber(m, {
        agencyId: d.agencyId,
        direction: 'outgoing',
        series: 'copies',
        documentId: id,
        at: now,
        columns: {
          // its number and notation are known once taken (below)
          numberNotation: '',
          date: formatViDate(now, this.config.timezone),
          typeAndSubject: `${FORM[form].label} ${d.typeName} ${d.notation ?? ''}: ${d.secrecy ? '(mật)' : d.subject}`,
          signer: user.fullName,
          recipients: dto.recipients ?? '',
          copies: '1',
          notes: dto.pages ? `Trang ${dto.pages}` : '',
        },
      });
      const notation = `${taken.numberText}/${FORM[form].abbr}`;
      await this.registers.updateEntry(m, id, { numberNotation: notation });
      const pdf = await this.compose(source, pages, FORM[form].label, agency.name, dto.recipients ?? '');
      const signed = await this.signing.get().signAsAgency({
        pdf,
        agencyId: d.agencyId,
        actorUserId: user.id,
        pin: dto.pin,
        number: taken.numberText,
        notation: FORM[form].abbr,
        mode: 'attachment-corner',
        reason: `${FORM[form].label} văn bản ${d.notation ?? ''}`.trim(),
        documentId: d.id,
      });
      const stored = await this.storage.put(signed.pdf);
      const row: DocumentCopyEntity = {
        id,
        agencyId: d.agencyId,
        originalId: d.id,
        form,
        year: taken.year,
        number: taken.number,
        notation,
        pages: dto.pages ?? null,
        recipients: dto.recipients ?? '',
        pdfSha256: stored.sha256,
        createdBy: user.id,
        createdAt: now,
      };
      await m.insert(DocumentCopyEntity, row);
      await this.trail.record(m, d, { id: user.id, name: user.fullName }, 'copied', {
        note: `${FORM[form].label} số ${notation}`,
        data: { copyId: id, form, notation, pages: row.pages },
      });
      return this.view(row);
    });
  }

  /** Draws the copied pages into a new PDF with the form's heading top right of page 1 (Tinos, NFC). */
  private async compose(source: PDFDocument, pages: number[], label: string, agencyName: string, recipients: string) {
    const out = await PDFDocument.create();
    out.setCreationDate(this.clock.now());
    out.setProducer('hoso');
    for (const p of await out.copyPages(source, pages)) out.addPage(p);
    const bold = embedTinos(out, 'bold');
    const regular = embedTinos(out, 'regular');
    const first = out.getPage(0);
    const { width } = first.getSize();
    // Below the agency signature's text block (number, notation and signing time), which the signing adds.
    let y = first.getSize().height - 62;
    const right = (text: string, font = regular, size = 10) => {
      const t = text.normalize('NFC');
      first.drawText(t, { x: width - 42 - textWidth(font, t, size), y, size, font, color: rgb(0, 0, 0) });
      y -= size + 3;
    };
    right(label, bold, 11);
    right(agencyName.toUpperCase(), bold);
    if (recipients) right(`Nơi nhận: ${recipients.slice(0, 80)}`);
    return Buffer.from(await out.save({ useObjectStreams: false }));
  }

  async list(user: AuthUser, originalId: string) {
    await this.query.load(user, originalId);
    const rows = await this.tx.manager.find(DocumentCopyEntity, {
      where: { originalId },
      order: { createdAt: 'ASC' },
    });
    return rows.map((r) => this.view(r));
  }

  /** The copy's PDF, to whoever may see its original (a secret original's copies stay with its readers). */
  async pdf(user: AuthUser, copyId: string) {
    const row = await this.tx.manager.findOne(DocumentCopyEntity, { where: { id: copyId } });
    if (!row) throw notFound('copy', copyId);
    try {
      await this.query.load(user, row.originalId);
    } catch {
      throw notFound('copy', copyId);
    }
    return { data: await this.storage.get(row.pdfSha256), filename: `ban-sao-${row.notation.replace('/', '-')}.pdf` };
  }

  private view(r: DocumentCopyEntity) {
    return {
      id: r.id,
      originalId: r.originalId,
      form: r.form,
      number: r.number,
      notation: r.notation,
      year: r.year,
      pages: r.pages,
      recipients: r.recipients,
      createdBy: r.createdBy,
      createdAt: r.createdAt.toISOString(),
    };
  }
}
