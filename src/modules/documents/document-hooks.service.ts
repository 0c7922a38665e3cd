import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { badRequest, conflict, DomainError, forbidden } from '../../common/domain-error.js';
import { StorageService } from '../storage/index.js';
import type { SignResult } from '../signing/index.js';
import type { TaskCompletionContext, TaskCompletionPreparer } from '../tasks/index.js';
import { Directory } from './directory.js';
import { DocumentEventEntity, DocumentFileEntity } from './document-records.entity.js';
import { DocumentRenderService } from './document-render.service.js';
import { DocumentTrail } from './document-trail.service.js';
import { DocumentEntity } from './document.entity.js';
import { DocumentsService, pdfPageCount } from './documents.service.js';
import { SigningGateway } from './signing-gateway.js';

type Ctx = TaskCompletionContext;
type PrepareCtx = Omit<Ctx, 'prepared'>;
/** A signature made ahead of the completion transaction, and what it was made from. */
interface Prepared {
  basis: string;
  signed: SignResult;
  pageCount?: number;
}
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
    'outgoing-review': (ctx) => this.review(ctx),
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

  /** Signatures are made before the completion transaction (see TaskCompletionPreparer), and kept if still valid. */
  readonly preparations: Record<string, TaskCompletionPreparer> = {
    'outgoing-sign': (ctx) => this.prepareSign(ctx),
    'outgoing-agency-sign': (ctx) => this.prepareAgencySign(ctx),
  };

  private actor(ctx: Ctx) {
    return { id: ctx.user.id, name: ctx.user.fullName };
  }

  private async doc(ctx: PrepareCtx): Promise<DocumentEntity> {
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

  /** An approval records which draft was reviewed (version and hash): the one the leader is shown and signs. */
  private async review(ctx: Ctx) {
    if (ctx.variables.decision === 'return') return this.decision(ctx, 'review');
    const d = await this.doc(ctx);
    const draft = await this.latestDraft(ctx.manager, d.id);
    await this.trail.record(ctx.manager, d, this.actor(ctx), 'review-approved', {
      note: text(ctx.variables.comment),
      data: { draftVersion: draft?.version ?? null, draftSha256: draft?.sha256 ?? null },
    });
    return withoutPin(ctx.variables);
  }

  /**
   * The signature covers exactly the reviewed draft: refused when the latest draft is not the one the last
   * approval names (uploads are refused once review starts; this holds whatever path a change took).
   */
  private async assertReviewed(m: EntityManager, d: DocumentEntity): Promise<string | null> {
    const approval = await m.findOne(DocumentEventEntity, {
      where: { documentId: d.id, action: 'review-approved' },
      order: { at: 'DESC' },
    });
    const reviewed = (approval?.data?.draftSha256 as string | null | undefined) ?? null;
    const current = (await this.latestDraft(m, d.id))?.sha256 ?? null;
    if (approval && reviewed !== current) throw conflict('DOCUMENT_CHANGED_AFTER_REVIEW');
    return reviewed;
  }

  private latestDraft(m: EntityManager, documentId: string) {
    return m.findOne(DocumentFileEntity, { where: { documentId, role: 'draft' }, order: { version: 'DESC' } });
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
  private async prepareSign(ctx: PrepareCtx): Promise<Prepared | undefined> {
    if (ctx.variables.decision === 'return') return undefined;
    return this.personalSignature(ctx, await this.doc(ctx));
  }

  private async sign(ctx: Ctx) {
    if (ctx.variables.decision === 'return') return this.decision(ctx, 'sign');
    const m = ctx.manager;
    const d = await this.doc(ctx);
    const s = await this.unlessChanged(ctx, d, () => this.personalSignature(ctx, d));
    await this.signing.get().recordSignature(s.signed);
    await this.storeSigned(m, d, s.signed.pdf, ctx.user.id, {
      signed: true,
      ...(s.pageCount ? { pageCount: s.pageCount } : {}),
    });
    await this.trail.record(m, d, this.actor(ctx), 'signed', {
      note: text(ctx.variables.comment),
      data: {
        certificateSerial: s.signed.certificateSerial,
        documentHash: s.signed.documentHash,
        reviewedDraftSha256: await this.assertReviewed(m, d),
      },
    });
    return withoutPin(ctx.variables);
  }

  /** The personal signature of the document as it is (rendered unless an uploaded PDF is signed as it is). */
  private async personalSignature(ctx: PrepareCtx, d: DocumentEntity): Promise<Prepared> {
    const m = ctx.manager;
    if (d.signerId !== ctx.user.id) throw forbidden('SIGNER_NOT_AUTHORISED');
    await this.assertReviewed(m, d);
    const pin = text(ctx.variables.pin);
    if (!pin) throw badRequest('SIGNING_PIN_REQUIRED');
    const basis = await this.basis(m, d);
    const draftPdf = await this.uploadedPdf(m, d);
    let pdf: Buffer;
    let appearance: { page?: number; rect?: { x: number; y: number; width: number; height: number } } = {};
    let pageCount: number;
    // The blank of "Số:" becomes a form field the agency signature fills (no change a strict validator refuses).
    let numberField: { page: number; x: number; y: number; size: number; width: number } | undefined;
    if (draftPdf) {
      pdf = await this.storage.get(draftPdf.sha256);
      pageCount = (await pdfPageCount(pdf)) ?? 0;
    } else {
      const rendered = await this.render.render(m, d, this.clock.now());
      pdf = rendered.pdf;
      pageCount = rendered.pageCount;
      const r = rendered.signatureRect;
      appearance = { page: r.page + 1, rect: { x: r.x, y: r.y, width: r.width, height: r.height } };
      numberField = rendered.numberSlot;
    }
    const agency = await this.directory.agency(m, d.agencyId);
    const signed = await this.signing.get().signAsPerson({
      pdf,
      userId: ctx.user.id,
      pin,
      reason: `Ký ban hành ${d.typeName.toLowerCase()}`,
      location: agency?.placeName || undefined,
      appearance,
      numberField,
      documentId: d.id,
      deferAudit: true,
    });
    return { basis, signed, pageCount };
  }

  /** Agency signature applied by the clerk, only on a document the competent person signed (art. 32). */
  private async prepareAgencySign(ctx: PrepareCtx): Promise<Prepared> {
    return this.agencySignature(ctx, await this.doc(ctx));
  }

  private async agencySign(ctx: Ctx) {
    const m = ctx.manager;
    const d = await this.doc(ctx);
    const s = await this.unlessChanged(ctx, d, () => this.agencySignature(ctx, d));
    await this.signing.get().recordSignature(s.signed);
    await this.storeSigned(m, d, s.signed.pdf, ctx.user.id, { agencySigned: true });
    await this.trail.record(m, d, this.actor(ctx), 'agency-signed', {
      data: { documentHash: s.signed.documentHash },
    });
    return withoutPin(ctx.variables);
  }

  private async agencySignature(ctx: PrepareCtx, d: DocumentEntity): Promise<Prepared> {
    const m = ctx.manager;
    if (!d.pdfSha256 || !d.signed || !d.notation) throw new DomainError('DOCUMENT_NO_PDF', 'unprocessable');
    const basis = await this.basis(m, d);
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
      deferAudit: true,
    });
    return { basis, signed };
  }

  /**
   * The signature prepared before the completion transaction when the document is still exactly as it was
   * prepared from (its row and its latest draft file); else made now, inside the transaction, from the document
   * as it is — a change in between costs a second signature, never a signature of an outdated document.
   */
  private async unlessChanged(ctx: Ctx, d: DocumentEntity, make: () => Promise<Prepared>): Promise<Prepared> {
    const prepared = ctx.prepared as Prepared | undefined;
    if (prepared && prepared.basis === (await this.basis(ctx.manager, d))) return prepared;
    return make();
  }

  /** What a signature is made from: the document's row and its latest draft file. */
  private async basis(m: EntityManager, d: DocumentEntity): Promise<string> {
    const draft = await m.findOne(DocumentFileEntity, {
      where: { documentId: d.id, role: 'draft' },
      order: { version: 'DESC' },
    });
    return JSON.stringify([d, draft?.id ?? null, draft?.sha256 ?? null]);
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
