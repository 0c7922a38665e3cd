import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { badRequest, DomainError, forbidden } from '../../common/domain-error.js';
import { StorageService } from '../storage/index.js';
import type { TaskCompletionContext } from '../tasks/index.js';
import { Directory } from './directory.js';
import { DocumentFileEntity } from './document-records.entity.js';
import { DocumentRenderService } from './document-render.service.js';
import { DocumentTrail } from './document-trail.service.js';
import { DocumentEntity } from './document.entity.js';
import { DocumentsService, pdfPageCount } from './documents.service.js';
import { SigningGateway } from './signing-gateway.js';

type Ctx = TaskCompletionContext;
const withoutPin = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'pin'));
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);

/**
 * Task completion hooks, one per form: they record who did what in the processing trail (Decree 30/2020,
 * appendix VI III.5.a: opinions, approvals, directions) and, for the signing steps, sign with the PIN typed in
 * the form — inside the completion transaction, so a wrong PIN leaves the task open and nothing written.
 */
@Injectable()
export class DocumentHooks {
  constructor(
    private readonly clock: Clock,
    private readonly trail: DocumentTrail,
    private readonly storage: StorageService,
    private readonly render: DocumentRenderService,
    private readonly documents: DocumentsService,
    private readonly directory: Directory,
    private readonly signing: SigningGateway,
  ) {}

  readonly forms: Record<string, (ctx: Ctx) => Promise<Record<string, unknown>>> = {
    'outgoing-draft': (ctx) => this.note(ctx, 'submitted', text(ctx.variables.comment)),
    'outgoing-opinion': async (ctx) => {
      const d = await this.doc(ctx);
      await this.attach(ctx.manager, d, ctx.variables.attachment, 'opinion', ctx.user.id);
      return this.note(ctx, 'opinion', text(ctx.variables.opinion));
    },
    'outgoing-review': (ctx) => this.decision(ctx, 'review'),
    'outgoing-format-check': (ctx) => this.decision(ctx, 'format-check'),
    'outgoing-sign': (ctx) => this.sign(ctx),
    'outgoing-agency-sign': (ctx) => this.agencySign(ctx),
    'incoming-register': (ctx) => this.note(ctx, 'checked', text(ctx.variables.comment)),
    'incoming-direction': async (ctx) => {
      const v = ctx.variables;
      const d = await this.doc(ctx);
      await this.trail.record(ctx.manager, d, this.actor(ctx), 'direction', {
        note: text(v.instruction),
        data: {
          mainHandlerId: v.mainHandlerId,
          coHandlerIds: v.coHandlerIds ?? [],
          forInformationIds: v.forInformationIds ?? [],
          dueDate: v.dueDate ?? null,
        },
      });
      return { coHandlerIds: [], forInformationIds: [], ...withoutPin(v) };
    },
    'incoming-handle': (ctx) => this.note(ctx, 'handled', text(ctx.variables.result)),
    'incoming-input': async (ctx) => {
      const d = await this.doc(ctx);
      await this.attach(ctx.manager, d, ctx.variables.attachment, 'opinion', ctx.user.id);
      return this.note(ctx, 'input', text(ctx.variables.opinion));
    },
  };

  private actor(ctx: Ctx) {
    return { id: ctx.user.id, name: ctx.user.fullName };
  }

  private async doc(ctx: Ctx): Promise<DocumentEntity> {
    const id = ctx.task.businessKey ?? '';
    const d = await ctx.manager.findOne(DocumentEntity, { where: { id } });
    if (!d) throw new DomainError('NOT_FOUND', 'not-found', { entity: 'document', id });
    return d;
  }

  private async note(ctx: Ctx, action: string, note: string | null) {
    await this.trail.record(ctx.manager, await this.doc(ctx), this.actor(ctx), action, {
      note,
      audit: action !== 'submitted',
    });
    return withoutPin(ctx.variables);
  }

  private async decision(ctx: Ctx, step: string) {
    const decision = ctx.variables.decision === 'return' ? 'returned' : 'approved';
    return this.note(ctx, `${step}-${decision}`, text(ctx.variables.comment));
  }

  private async attach(m: EntityManager, d: DocumentEntity, file: unknown, role: 'opinion', by: string) {
    const f = file as { sha256?: string; fileName?: string; mimeType?: string; size?: number } | undefined;
    if (!f?.sha256) return;
    await this.documents.addFile(
      m,
      d.id,
      {
        role,
        name: f.fileName ?? 'tep-dinh-kem',
        sha256: f.sha256,
        mediaType: f.mimeType ?? 'application/octet-stream',
        size: f.size ?? 0,
      },
      by,
    );
  }

  /** Signing by the competent person (Decree 30/2020, art. 13); the PIN is used here and never stored. */
  private async sign(ctx: Ctx) {
    if (ctx.variables.decision === 'return') return this.decision(ctx, 'sign');
    const m = ctx.manager;
    const d = await this.doc(ctx);
    if (d.signerId !== ctx.user.id) throw forbidden('SIGNER_NOT_AUTHORISED');
    const pin = text(ctx.variables.pin);
    if (!pin) throw badRequest('SIGNING_PIN_REQUIRED');
    const now = this.clock.now();
    const draftPdf = await this.uploadedPdf(m, d);
    let pdf: Buffer;
    let appearance: { page?: number; rect?: { x: number; y: number; width: number; height: number } } = {};
    let pageCount: number;
    if (draftPdf) {
      pdf = await this.storage.get(draftPdf.sha256);
      pageCount = (await pdfPageCount(pdf)) ?? 0;
    } else {
      const rendered = await this.render.render(m, d, now);
      pdf = rendered.pdf;
      pageCount = rendered.pageCount;
      const r = rendered.signatureRect;
      appearance = { page: r.page + 1, rect: { x: r.x, y: r.y, width: r.width, height: r.height } };
    }
    const agency = await this.directory.agency(m, d.agencyId);
    const signed = await this.signing.get().signAsPerson({
      pdf,
      userId: ctx.user.id,
      pin,
      reason: `Ký ban hành ${d.typeName.toLowerCase()}`,
      location: agency?.placeName || undefined,
      appearance,
      documentId: d.id,
    });
    await this.storeSigned(m, d, signed.pdf, ctx.user.id, { signed: true, ...(pageCount ? { pageCount } : {}) });
    await this.trail.record(m, d, this.actor(ctx), 'signed', {
      note: text(ctx.variables.comment),
      data: { certificateSerial: signed.certificateSerial, documentHash: signed.documentHash },
    });
    return withoutPin(ctx.variables);
  }

  /** Agency signature applied by the clerk, only on a document the competent person signed (art. 32). */
  private async agencySign(ctx: Ctx) {
    const m = ctx.manager;
    const d = await this.doc(ctx);
    if (!d.pdfSha256 || !d.signed || !d.notation) throw new DomainError('DOCUMENT_NO_PDF', 'unprocessable');
    const [number, ...rest] = d.notation.split('/');
    // The rendered document left the number blank (taken after signing, art. 15): the agency signature writes it
    // there. The header does not depend on the body or the date, so a render without the number finds the slot.
    const numberSlot = (await this.uploadedPdf(m, d))
      ? undefined
      : (await this.render.render(m, { ...d, notation: null }, d.documentDate ?? this.clock.now())).numberSlot;
    const signed = await this.signing.get().signAsAgency({
      pdf: await this.storage.get(d.pdfSha256),
      agencyId: d.agencyId,
      actorUserId: ctx.user.id,
      pin: text(ctx.variables.pin) ?? undefined,
      number,
      notation: rest.join('/'),
      mode: 'seal-over-signature',
      numberSlot,
      documentId: d.id,
    });
    await this.storeSigned(m, d, signed.pdf, ctx.user.id, { agencySigned: true });
    await this.trail.record(m, d, this.actor(ctx), 'agency-signed', { data: { documentHash: signed.documentHash } });
    return withoutPin(ctx.variables);
  }

  /** The uploaded draft PDF that is signed as it is (no body composed, latest draft is a PDF), else null. */
  private async uploadedPdf(m: EntityManager, d: DocumentEntity): Promise<DocumentFileEntity | null> {
    if (d.body) return null;
    const draftPdf = await m.findOne(DocumentFileEntity, {
      where: { documentId: d.id, role: 'draft', mediaType: 'application/pdf' },
      order: { version: 'DESC' },
    });
    const latestDraft = await m.findOne(DocumentFileEntity, {
      where: { documentId: d.id, role: 'draft' },
      order: { version: 'DESC' },
    });
    return draftPdf && latestDraft?.id === draftPdf.id ? draftPdf : null;
  }

  private async storeSigned(
    m: EntityManager,
    d: DocumentEntity,
    pdf: Buffer,
    by: string,
    patch: Partial<DocumentEntity>,
  ) {
    const stored = await this.storage.put(pdf);
    const name = `${(d.notation ?? d.typeCode).replace(/[^\p{L}\d-]+/gu, '-')}.pdf`;
    await this.documents.addFile(
      m,
      d.id,
      { role: 'signed', name, sha256: stored.sha256, mediaType: 'application/pdf', size: stored.size },
      by,
    );
    await m.update(DocumentEntity, { id: d.id }, { ...patch, pdfSha256: stored.sha256, updatedAt: this.clock.now() });
  }
}
