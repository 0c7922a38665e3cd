import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { formatViLongDate } from '../../common/business-time.js';
import { Directory } from './directory.js';
import { renderDocumentPdf, type RenderedPdf, type RenderInput } from './document-layout.js';
import { SECRECY_LABEL, URGENCY_LABEL } from './document-types.js';
import type { DocumentEntity } from './document.entity.js';
import { fillTemplate } from './templates/document-templates.js';

/**
 * Turns a composed document into its PDF in the Decree 30/2020 layout: header, number and notation (blank
 * number until issued: the number is taken at issuance and shown by the agency signature), place and date,
 * the type's template, signer block with the authority prefix (art. 13), "Nơi nhận" ending in "Lưu: VT, …".
 */
@Injectable()
export class DocumentRenderService {
  constructor(
    private readonly directory: Directory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async render(m: EntityManager, d: DocumentEntity, at: Date): Promise<RenderedPdf> {
    return renderDocumentPdf(await this.input(m, d, at));
  }

  /** Everything the layout draws for the document at `at` (the preview cache keys on it: pdf-previews.ts). */
  async input(m: EntityManager, d: DocumentEntity, at: Date): Promise<RenderInput> {
    const agency = await this.directory.agency(m, d.agencyId);
    const unit = await this.directory.unit(m, d.unitId);
    const head = await this.directory.head(m, d.agencyId);
    const recipients = await this.directory.agencies(m, d.recipientAgencyIds ?? []);
    const isLetter = d.typeCode === 'CV';
    const orgAbbr = agency?.abbreviation ?? '';
    // Notation: NN/TYPE-ORG, công văn NN/ORG-UNIT (appendix I §II.3).
    const code = isLetter ? `${orgAbbr}${unit ? `-${unit.abbreviation}` : ''}` : `${d.typeCode}-${orgAbbr}`;
    const numberLine = d.notation ? `Số: ${d.notation}` : `Số:        /${code}`;
    const recipientNames = [...recipients.map((a) => a.name), ...(d.externalRecipients ?? [])];
    const headTitle = (head?.title || 'Thủ trưởng').toUpperCase();
    const signerTitle = (d.signerTitle || headTitle).toUpperCase();
    const authority = d.signerAuthority;
    const authorityLine =
      authority === 'TM.'
        ? `TM. ${(agency?.name ?? '').replace(/ tỉnh.*| xã.*/i, '').toUpperCase()}`
        : authority
          ? `${authority} ${headTitle}`
          : '';
    const titleLine = authority === 'Q.' ? `Q. ${headTitle}` : signerTitle;
    const paragraphs = (d.body ?? '').split(/\n\s*\n|\r?\n/).map((p) => p.trim());
    const directives = fillTemplate(d.typeCode, {
      subject: d.subject,
      typeNameUpper: d.typeName.toUpperCase(),
      authorityHeading: `${headTitle} ${(agency?.name ?? '').toUpperCase()}`,
      recipients: recipientNames,
      paragraphs,
    });
    const keep = ['VT', unit?.abbreviation].filter(Boolean).join(', ');
    const recipientLines = [
      ...(isLetter && recipientNames.length ? ['- Như trên;'] : recipientNames.map((n) => `- ${n};`)),
      `- Lưu: ${keep}.`,
    ];
    return {
      governingBodyName: agency?.governingBodyName ?? '',
      agencyName: agency?.name ?? '',
      numberLine,
      isLetter,
      subject: d.subject,
      placeDate: `${agency?.placeName || 'Hà Tĩnh'}, ${formatViLongDate(at, this.config.timezone)}`,
      directives,
      signer: {
        authorityLine: authority === 'Q.' ? '' : authorityLine,
        titleLine: authority === 'TM.' ? signerTitle : titleLine,
        name: d.signerName ?? '',
      },
      recipientLines,
      urgencyLabel: d.urgency ? URGENCY_LABEL[d.urgency] : undefined,
      secrecyLabel: d.secrecy ? SECRECY_LABEL[d.secrecy] : undefined,
      title: `${d.typeName} ${d.notation ?? ''} ${d.subject}`.trim(),
    };
  }

  /** The notation code part for the document (without number): "QĐ-SNV", or "SNV-TCCB" for a công văn. */
  async notationCode(m: EntityManager, d: DocumentEntity): Promise<string> {
    const agency = await this.directory.agency(m, d.agencyId);
    const unit = await this.directory.unit(m, d.unitId);
    const orgAbbr = agency?.abbreviation ?? '';
    return d.typeCode === 'CV' ? `${orgAbbr}${unit ? `-${unit.abbreviation}` : ''}` : `${d.typeCode}-${orgAbbr}`;
  }
}
