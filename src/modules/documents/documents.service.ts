import { Inject, Injectable } from '@nestjs/common';
import { PDFDocument } from 'pdf-lib';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { addWorkingDays, endOfLocalDay } from '../../common/business-time.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { badRequest, conflict, DomainError, forbidden } from '../../common/domain-error.js';
import { foldVietnamese } from '../../common/vietnamese.js';
import { TransactionService } from '../../database/transaction.service.js';
import { DocumentAccessPolicy, type AuthUser } from '../auth/index.js';
import { StorageService } from '../storage/index.js';
import { TasksService } from '../tasks/index.js';
import { DossierChoiceCheck } from '../dossiers/index.js';
import { enqueueContentJob } from '../digitization/content-jobs.js';
import { SCAN_MEDIA_TYPES, scanAsPdf } from '../digitization/ocr-tools.js';
import { Directory } from './directory.js';
import { DocumentFileEntity } from './document-records.entity.js';
import { DocumentTrail, SYSTEM_ACTOR } from './document-trail.service.js';
import { findDocumentType, URGENCY_RANK } from './document-types.js';
import { DocumentEntity, type Secrecy, type Urgency } from './document.entity.js';
import type { CreateIncomingDto, CreateOutgoingDto } from './dto/documents.dto.js';
import { DocumentQueryService } from './document-query.service.js';
import { INCOMING_PROCESS, OUTGOING_PROCESS, ProcessGateway } from './process-gateway.js';
import './documents.messages.js';

export interface UploadedFile {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** Statuses in which the draft may still change: before the unit head's review starts. */
const DRAFT_OPEN = ['drafting', 'consulting'];
/** The outgoing flow's steps whose holder writes the draft (outgoing-document.bpmn). */
const DRAFTING_STEPS = ['draft', 'consult'];

const PDF_MAGIC = Buffer.from('%PDF-');
const DOCX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
export const isPdf = (b: Buffer) => b.length > 5 && b.subarray(0, 5).equals(PDF_MAGIC);

/** PageAmount (appendix VI): the page count, or null when the bytes are not a readable PDF. */
export async function pdfPageCount(b: Buffer): Promise<number | null> {
  try {
    return (await PDFDocument.load(b, { ignoreEncryption: true, updateMetadata: false })).getPageCount();
  } catch {
    return null;
  }
}
const isDocx = (b: Buffer, name: string) => b.subarray(0, 4).equals(DOCX_MAGIC) && /\.docx$/i.test(name);

/** Creating documents (outgoing drafts, received documents), draft versions and shares. */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly storage: StorageService,
    private readonly directory: Directory,
    private readonly trail: DocumentTrail,
    private readonly access: DocumentAccessPolicy,
    private readonly query: DocumentQueryService,
    private readonly processes: ProcessGateway,
    private readonly dossierChoice: DossierChoiceCheck,
    private readonly tasks: TasksService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts an outgoing document: the caller drafts it, in their unit (Decree 30/2020, art. 10). */
  async createOutgoing(user: AuthUser, dto: CreateOutgoingDto): Promise<{ id: string; processInstanceId: string }> {
    const type = findDocumentType(dto.typeCode);
    if (!type) throw badRequest('DOCUMENT_TYPE_UNKNOWN', { typeCode: dto.typeCode });
    const m0 = this.tx.manager;
    const signer = await this.directory.user(m0, dto.signerId);
    if (!signer || signer.agencyId !== user.agencyId || !signer.active)
      throw badRequest('USER_NOT_IN_AGENCY', { field: 'signerId' });
    const signerRoles = await this.directory.roles(m0, signer.id, user.agencyId);
    if (!this.access.maySign(signerRoles)) throw badRequest('SIGNER_NOT_AUTHORISED');
    const consulteeIds = [...new Set(dto.consulteeIds ?? [])];
    const consultees = await this.directory.users(m0, consulteeIds);
    if (consultees.length !== consulteeIds.length || consultees.some((c) => c.agencyId !== user.agencyId))
      throw badRequest('USER_NOT_IN_AGENCY', { field: 'consulteeIds' });
    const recipientAgencyIds = [...new Set(dto.recipientAgencyIds ?? [])];
    const recipients = await this.directory.agencies(m0, recipientAgencyIds);
    if (recipients.length !== recipientAgencyIds.length || recipients.some((a) => !a.active))
      throw badRequest('RECIPIENT_UNKNOWN');
    // A reply started by the handler of an incoming document (Decree 30/2020, art. 24) links back to it.
    if (dto.replyToId) await this.query.load(user, dto.replyToId);
    // the dossier it will be filed into once issued: one the drafter sees, open, secret enough
    if (dto.dossierId) await this.dossierChoice.assert(user, dto.dossierId, dto.secrecy ?? null);
    const agency = await this.directory.agency(m0, user.agencyId);
    const now = this.clock.now();
    const consultationDueAt = consulteeIds.length
      ? dto.consultationDueAt
        ? new Date(dto.consultationDueAt)
        : addWorkingDays(now, 3, this.config.timezone, this.config.publicHolidays)
      : null;
    const id = this.ids.next();
    const doc: Partial<DocumentEntity> = {
      id,
      agencyId: user.agencyId,
      direction: 'outgoing',
      status: 'drafting',
      typeCode: type.code,
      typeName: type.name,
      legalNormative: !!dto.legalNormative,
      subject: dto.subject,
      subjectFolded: foldVietnamese(dto.subject).slice(0, 500),
      body: dto.body?.normalize('NFC') ?? null,
      urgency: (dto.urgency as Urgency) ?? null,
      urgencyRank: URGENCY_RANK[dto.urgency ?? ''] ?? 0,
      secrecy: (dto.secrecy as Secrecy) ?? null,
      description: dto.description ?? '',
      organName: agency?.name ?? '',
      drafterId: user.id,
      unitId: user.unitId,
      signerId: signer.id,
      signerName: signer.fullName,
      signerTitle: signer.title,
      signerAuthority: dto.signerAuthority ?? (signerRoles.includes('leader') ? '' : 'KT.'),
      consulteeIds,
      recipientAgencyIds,
      externalRecipients: dto.externalRecipients ?? [],
      dossierId: dto.dossierId ?? null,
      replyToId: dto.replyToId ?? null,
      issuedAmount: dto.issuedAmount ?? 1,
      dueAt: dto.dueDate ? endOfLocalDay(new Date(`${dto.dueDate}T12:00:00Z`), this.config.timezone) : null,
      createdBy: user.id,
      createdAt: now,
      updatedAt: now,
    };
    return this.tx.run(async (m) => {
      await m.insert(DocumentEntity, doc);
      await this.trail.addReaders(m, id, [user.id], 'drafter');
      await this.trail.addReaders(m, id, [signer.id], 'signer');
      await this.trail.addReaders(m, id, consulteeIds, 'consultee');
      if (doc.secrecy) await this.addSecretReaders(m, user.agencyId, id, user.unitId);
      await this.trail.record(m, doc as DocumentEntity, { id: user.id, name: user.fullName }, 'created', {
        data: { direction: 'outgoing', typeCode: type.code, secrecy: doc.secrecy },
      });
      const started = await this.processes.start(
        OUTGOING_PROCESS,
        id,
        user.agencyId,
        {
          agencyId: user.agencyId,
          documentId: id,
          subject: doc.subject,
          typeCode: type.code,
          urgency: doc.urgency ?? 'normal',
          secrecy: doc.secrecy,
          drafterId: user.id,
          unitId: user.unitId,
          signerId: signer.id,
          consulteeIds,
          consultationDueAt: consultationDueAt?.toISOString() ?? null,
          dossierId: doc.dossierId,
        },
        user.id,
      );
      await m.update(DocumentEntity, { id }, { processInstanceId: started.id });
      return { id, processInstanceId: started.id };
    });
  }

  /**
   * Registers a received document (scan or electronic PDF) at the caller's agency (Decree 30/2020, art. 20–22).
   * Only a clerk of the receiving agency may do it; the file must be a PDF; nothing is stored otherwise.
   */
  async createIncoming(user: AuthUser, dto: CreateIncomingDto, file: UploadedFile | undefined) {
    if (dto.agencyId && dto.agencyId !== user.agencyId) throw forbidden('INCOMING_WRONG_AGENCY');
    if (!this.access.isClerk(user, user.agencyId)) throw forbidden('INCOMING_WRONG_AGENCY');
    const type = findDocumentType(dto.typeCode);
    if (!type) throw badRequest('DOCUMENT_TYPE_UNKNOWN', { typeCode: dto.typeCode });
    if (!file) throw badRequest('INCOMING_FILE_REQUIRED');
    // a paper letter arrives as a scan: a PDF, or an image wrapped into one (the image is kept too)
    const scan = await scanAsPdf(file.buffer);
    const pageCount = scan ? await pdfPageCount(scan.pdf) : null;
    if (!scan || pageCount === null) throw new DomainError('INCOMING_NOT_PDF', 'unprocessable');
    const stored = await this.storage.put(scan.pdf);
    const original = scan.kind === 'pdf' ? null : await this.storage.put(file.buffer);
    const id = this.ids.next();
    return this.tx.run(async (m) => {
      const doc = await this.insertIncoming(m, {
        id,
        agencyId: user.agencyId,
        typeCode: type.code,
        typeName: type.name,
        subject: dto.subject,
        organName: dto.senderName,
        notation: dto.originalNumber,
        documentDate: endOfLocalDay(new Date(`${dto.originalDate}T12:00:00Z`), this.config.timezone, 0),
        urgency: (dto.urgency as Urgency) ?? null,
        secrecy: (dto.secrecy as Secrecy) ?? null,
        signerName: dto.signerName ?? null,
        signerTitle: dto.signerTitle ?? null,
        description: dto.description ?? '',
        pageCount,
        dueAt: dto.dueDate ? endOfLocalDay(new Date(`${dto.dueDate}T12:00:00Z`), this.config.timezone) : null,
        createdBy: user.id,
      });
      const name = file.originalname || 'van-ban.pdf';
      if (original)
        await this.addFile(
          m,
          id,
          { role: 'scan', name, sha256: original.sha256, mediaType: SCAN_MEDIA_TYPES[scan.kind], size: original.size },
          user.id,
        );
      await this.addFile(
        m,
        id,
        {
          role: 'main',
          name: original ? `${name.replace(/\.[^.]*$/, '')}.pdf` : name,
          sha256: stored.sha256,
          mediaType: 'application/pdf',
          size: stored.size,
        },
        user.id,
      );
      await m.update(DocumentEntity, { id }, { pdfSha256: stored.sha256 });
      await this.trail.addReaders(m, id, [user.id], 'clerk');
      await this.trail.record(m, doc, { id: user.id, name: user.fullName }, 'received', {
        data: { direction: 'incoming', notation: doc.notation, senderName: doc.organName },
      });
      const processInstanceId = await this.startIncoming(m, doc, user.id);
      const duplicates = await this.query.duplicatesOf(m, doc);
      // Registered although already received: the clerk's reason stays in the trail (appendix VI, duplicate warning).
      if (duplicates.length && dto.duplicateReason)
        await this.trail.record(m, doc, { id: user.id, name: user.fullName }, 'duplicate-acknowledged', {
          note: dto.duplicateReason,
          data: { duplicateOf: duplicates.map((x) => x.id) },
        });
      return { id, processInstanceId, duplicates };
    });
  }

  /**
   * An incoming letter taken from the agency's consume folder (digitization/consume-folder.service.ts): registered
   * as received, the file's name as its subject, for the clerk to complete and direct like any other; `mark`
   * writes the folder's intake key in the same transaction. Null when the bytes are not a scan.
   */
  async registerConsumed(
    agencyId: string,
    content: Buffer,
    fileName: string,
    mark: (m: EntityManager, documentId: string) => Promise<void>,
  ): Promise<string | null> {
    const scan = await scanAsPdf(content);
    const pageCount = scan ? await pdfPageCount(scan.pdf) : null;
    if (!scan || pageCount === null) return null;
    const stored = await this.storage.put(scan.pdf);
    const original = scan.kind === 'pdf' ? null : await this.storage.put(content);
    const type = findDocumentType('CV')!;
    const id = this.ids.next();
    const subject =
      fileName
        .replace(/\.[^.]*$/, '')
        .replace(/[_-]+/g, ' ')
        .trim()
        .slice(0, 500) || fileName;
    return this.tx.run(async (m) => {
      const doc = await this.insertIncoming(m, {
        id,
        agencyId,
        typeCode: type.code,
        typeName: type.name,
        subject,
        organName: '',
        notation: null,
        documentDate: this.clock.now(),
        pageCount,
        description: `consume: ${fileName}`.slice(0, 500),
        createdBy: null,
      });
      if (original)
        await this.addFile(
          m,
          id,
          {
            role: 'scan',
            name: fileName,
            sha256: original.sha256,
            mediaType: SCAN_MEDIA_TYPES[scan.kind],
            size: original.size,
          },
          null,
        );
      await this.addFile(
        m,
        id,
        { role: 'main', name: fileName, sha256: stored.sha256, mediaType: 'application/pdf', size: stored.size },
        null,
      );
      await m.update(DocumentEntity, { id }, { pdfSha256: stored.sha256 });
      await this.trail.record(m, doc, SYSTEM_ACTOR, 'received', {
        data: { direction: 'incoming', consumed: fileName },
      });
      await mark(m, id);
      await this.startIncoming(m, doc, null);
      return id;
    });
  }

  /** Shared with the internal issuance: inserts an incoming document in state `received`. */
  async insertIncoming(m: EntityManager, fields: Partial<DocumentEntity> & { id: string; agencyId: string }) {
    const now = this.clock.now();
    const number = fields.notation ? (/^(\d+)\//.exec(fields.notation)?.[1] ?? null) : null;
    const doc = {
      direction: 'incoming' as const,
      status: 'received' as const,
      legalNormative: false,
      subjectFolded: foldVietnamese(fields.subject ?? '').slice(0, 500),
      urgencyRank: URGENCY_RANK[fields.urgency ?? ''] ?? 0,
      number,
      arrivalDate: now,
      createdAt: now,
      updatedAt: now,
      ...fields,
    } as DocumentEntity;
    await m.insert(DocumentEntity, doc);
    if (doc.secrecy) await this.addSecretReaders(m, doc.agencyId, doc.id, null);
    return doc;
  }

  async startIncoming(m: EntityManager, doc: DocumentEntity, by: string | null): Promise<string> {
    const started = await this.processes.start(
      INCOMING_PROCESS,
      doc.id,
      doc.agencyId,
      {
        agencyId: doc.agencyId,
        documentId: doc.id,
        subject: doc.subject,
        typeCode: doc.typeCode,
        urgency: doc.urgency ?? 'normal',
        secrecy: doc.secrecy,
        dossierId: null,
      },
      by,
    );
    await m.update(DocumentEntity, { id: doc.id }, { processInstanceId: started.id });
    return started.id;
  }

  /** A new draft version (DOCX or PDF) or attachment, while the document is still a draft. */
  async addVersion(
    user: AuthUser,
    id: string,
    file: UploadedFile | undefined,
    role: 'draft' | 'attachment',
    note = '',
  ) {
    const doc = await this.query.load(user, id);
    if (doc.direction !== 'outgoing' || !['drafting', 'consulting', 'reviewing', 'signing'].includes(doc.status))
      throw badRequest('DOCUMENT_NOT_EDITABLE', { status: doc.status });
    // What the unit head reviewed is what the leader signs: once review has started the draft is frozen (a
    // change means returning it to drafting: the review form's "return"), so no version can slip in between.
    if (!DRAFT_OPEN.includes(doc.status)) throw conflict('DOCUMENT_VERSION_AFTER_REVIEW', { status: doc.status });
    // Writing is the drafter's, or the holder of the open drafting or consultation step's: reading (a share, a
    // role that sees the unit's documents) never grants it.
    if (doc.drafterId !== user.id && !(await this.holdsDraftingStep(user, doc.id)))
      throw forbidden('DOCUMENT_NOT_DRAFTER');
    if (!file) throw badRequest('INCOMING_FILE_REQUIRED');
    const pdf = isPdf(file.buffer);
    if (role === 'draft' && !pdf && !isDocx(file.buffer, file.originalname)) throw badRequest('VERSION_BAD_TYPE');
    const stored = await this.storage.put(file.buffer);
    const mediaType = pdf
      ? 'application/pdf'
      : role === 'draft'
        ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
        : file.mimetype || 'application/octet-stream';
    return this.tx.run(async (m) => {
      const f = await this.addFile(
        m,
        id,
        { role, name: file.originalname, sha256: stored.sha256, mediaType, size: stored.size, note },
        user.id,
      );
      await this.trail.record(
        m,
        doc,
        { id: user.id, name: user.fullName },
        role === 'draft' ? 'version' : 'attachment',
        {
          note,
          data: { version: f.version, sha256: stored.sha256, name: f.name },
        },
      );
      return { id: f.id, version: f.version, sha256: f.sha256, role: f.role };
    });
  }

  private async holdsDraftingStep(user: AuthUser, documentId: string): Promise<boolean> {
    const open = await this.tasks.forBusinessKey(documentId, 'open');
    return open.some((t) => DRAFTING_STEPS.includes(t.elementId) && t.assigneeId === user.id);
  }

  async addFile(
    m: EntityManager,
    documentId: string,
    f: Pick<DocumentFileEntity, 'role' | 'name' | 'sha256' | 'mediaType' | 'size'> & { note?: string },
    by: string | null,
  ): Promise<DocumentFileEntity> {
    const last = await m.findOne(DocumentFileEntity, {
      where: { documentId, role: f.role },
      order: { version: 'DESC' },
    });
    const row = m.create(DocumentFileEntity, {
      id: this.ids.next(),
      documentId,
      version: (last?.version ?? 0) + 1,
      note: f.note ?? '',
      createdBy: by,
      createdAt: this.clock.now(),
      ...f,
    });
    await m.insert(DocumentFileEntity, row);
    await enqueueContentJob(m, row, () => this.ids.next(), row.createdAt);
    return row;
  }

  async share(user: AuthUser, id: string, userIds: string[]) {
    const doc = await this.query.load(user, id);
    if (!this.access.canShare(user, await this.query.facts(doc))) throw forbidden();
    const users = await this.directory.users(this.tx.manager, userIds);
    if (users.length !== new Set(userIds).size || users.some((u) => u.agencyId !== doc.agencyId))
      throw badRequest('USER_NOT_IN_AGENCY', { field: 'userIds' });
    await this.tx.run(async (m) => {
      await this.trail.addReaders(m, id, userIds, 'shared');
      await this.trail.record(m, doc, { id: user.id, name: user.fullName }, 'shared', { data: { userIds } });
    });
    return { shared: userIds.length };
  }

  /** Secret documents: the drafting unit's head, the leaders and the clerks become explicit readers. */
  private async addSecretReaders(m: EntityManager, agencyId: string, id: string, unitId: string | null) {
    const leaders = [
      ...(await this.directory.withRole(m, agencyId, 'leader')),
      ...(await this.directory.withRole(m, agencyId, 'deputy-leader')),
    ];
    const clerks = await this.directory.withRole(m, agencyId, 'clerk');
    const heads = unitId ? await this.directory.withRole(m, agencyId, 'unit-head', unitId) : [];
    await this.trail.addReaders(m, id, [...leaders, ...clerks, ...heads], 'secret-role');
  }
}
