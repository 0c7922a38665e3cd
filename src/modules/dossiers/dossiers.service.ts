import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Brackets, In, type EntityManager } from 'typeorm';
import { businessYear } from '../../common/business-time.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { badRequest, conflict, forbidden, notFound } from '../../common/domain-error.js';
import { escapeLike, foldVietnamese } from '../../common/vietnamese.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { isUniqueViolation } from '../../database/db-errors.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/index.js';
import { DossierPolicy, PUBLIC_RIGHTS, type AuthUser } from '../auth/index.js';
import { AgencyEntity, UnitEntity } from '../organizations/index.js';
import { TaskFieldChecks } from '../tasks/index.js';
import { DocumentAccess } from './document-access.js';
import { DossierChoiceCheck, type FilingDocumentAccess } from './dossier-document-source.js';
import { DossierAlertEntity, DossierEntity, DossierItemEntity, type DossierState } from './dossier.entity.js';
import { toDossierSummary, toDossierView, TRANSFER_ALERT_DAYS } from './dossier.mapper.js';
import type { CreateDossierDto, ListDossiersQuery, UpdateDossierDto } from './dto/dossier.dto.js';
import { FilePlanService } from './file-plan.service.js';
import { LifecycleBridge } from './lifecycle-bridge.js';
import { NOTATION, requireRetention } from './retention.js';
import './dossiers.messages.js';

/** The secret documents of `access` that its user may not see. */
const hiddenOf = (access: Map<string, FilingDocumentAccess>) =>
  new Set([...access].filter(([, a]) => a.secrecy && !a.see).map(([id]) => id));

/** States after closing in which only notes and rights may be corrected (Decree 30/2020, art. 29; PL VI). */
const READ_ONLY: DossierState[] = ['closed', 'submitted'];

@Injectable()
export class DossiersService implements OnModuleInit {
  private readonly logger = new Logger('Dossiers');

  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly policy: DossierPolicy,
    private readonly plans: FilePlanService,
    private readonly docs: DocumentAccess,
    private readonly lifecycle: LifecycleBridge,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly choice: DossierChoiceCheck,
    private readonly fieldChecks: TaskFieldChecks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.choice.use((user, id, secrecy) => this.assertChoosable(user, id, secrecy));
    // A task form's `dossier` field (the handler of an incoming document picks where it is filed): the same rules
    // as a dossier chosen while drafting, for the task's document.
    this.fieldChecks.register('dossier', async (id, task) => {
      const docId = task.businessKey;
      const doc = docId && this.docs.available ? (await this.docs.accessOf(task.user, [docId])).get(docId) : undefined;
      await this.assertChoosable(task.user, id, doc?.secrecy ?? null);
    });
  }

  /** A dossier a document being drafted may name for its filing: seen by the drafter, open, secret enough. */
  async assertChoosable(user: AuthUser, id: string, secrecy: string | null): Promise<void> {
    const d = await this.visible(user, id);
    if (d.state !== 'open') throw conflict('DOSSIER_NOT_OPEN', { state: d.state });
    assertHolds(d, secrecy);
  }

  async create(user: AuthUser, dto: CreateDossierDto): Promise<{ id: string; code: string }> {
    if (!user.permissions.has('dossiers.manage')) throw forbidden();
    const now = this.clock.now();
    const entry = dto.filePlanEntryId ? await this.plans.entryForOpening(user, dto.filePlanEntryId) : null;
    const notation = (entry?.notation ?? dto.notation ?? '').toUpperCase();
    if (!NOTATION.test(notation)) throw badRequest('NOTATION_INVALID');
    const retention = entry
      ? { permanent: entry.retentionPermanent, years: entry.retentionYears }
      : requireRetention(dto.retention);
    const year = entry?.year ?? businessYear(now, this.config.timezone);
    const unitId = dto.responsibleUnitId ?? entry?.responsibleUnitId ?? user.unitId;
    const created = await this.tx.run(async (m) => {
      if (
        dto.responsibleUnitId &&
        !(await m.exists(UnitEntity, { where: { id: dto.responsibleUnitId, agencyId: user.agencyId } }))
      )
        throw notFound('unit', dto.responsibleUnitId);
      const agency = await m.findOneByOrFail(AgencyEntity, { id: user.agencyId });
      // Appendix VI §III.1 and §4: FileCode = OrganId + FileCatalog (year) + FileNotation.
      const code = `${agency.organId}.${year}.${notation}`;
      const title = (dto.title ?? entry!.title).normalize('NFC');
      const d = m.create(DossierEntity, {
        id: this.ids.next(),
        agencyId: user.agencyId,
        code,
        year,
        notation,
        filePlanEntryId: entry?.id ?? null,
        title,
        titleFolded: foldVietnamese(title).slice(0, 500),
        retentionPermanent: retention.permanent,
        retentionYears: retention.years,
        rights: dto.rights ?? 'Hạn chế',
        creatorId: user.id,
        creatorName: user.fullName.slice(0, 30),
        responsibleUnitId: unitId,
        language: 'Tiếng Việt',
        startDate: dto.startDate ? new Date(dto.startDate) : null,
        endDate: null,
        docTotal: 0,
        pageTotal: 0,
        description: dto.description ?? entry?.notes ?? '',
        secrecy: dto.secrecy ?? null,
        readerIds: dto.readerIds ?? null,
        state: 'open',
        nextOrder: 1,
        documentIndex: null,
        closedAt: null,
        transferDueAt: null,
        retainedUntil: null,
        submittedAt: null,
        archiveTransferId: null,
        archivedAt: null,
        retentionEndsAt: null,
        destroyedAt: null,
        processInstanceId: null,
        createdAt: now,
        updatedAt: now,
      });
      try {
        await m.insert(DossierEntity, d);
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict('DOSSIER_CODE_TAKEN', { code });
        throw e;
      }
      await this.audit.record({
        actorId: user.id,
        agencyId: user.agencyId,
        action: 'dossier.opened',
        entityType: 'dossier',
        entityId: d.id,
        data: { code, title, filePlanEntryId: d.filePlanEntryId },
      });
      return d;
    });
    this.lifecycle.opened(created);
    return { id: created.id, code: created.code };
  }

  /** Loads a dossier the user may see, or 404 (also for other agencies' dossiers). */
  async visible(user: AuthUser, id: string, m: EntityManager = this.tx.manager): Promise<DossierEntity> {
    const d = await m.findOne(DossierEntity, { where: { id } });
    if (!d || !this.policy.canSee(user, d)) throw notFound('dossier', id);
    return d;
  }

  async changeable(user: AuthUser, id: string, m: EntityManager): Promise<DossierEntity> {
    const d = await this.visible(user, id, m);
    if (!this.policy.canChange(user, d)) throw forbidden();
    return d;
  }

  async list(user: AuthUser, q: ListDossiersQuery) {
    const scope = this.policy.listScope(user);
    const now = this.clock.now();
    const qb = this.tx.manager
      .getRepository(DossierEntity)
      .createQueryBuilder('d')
      .where('d.agencyId = :agencyId', { agencyId: scope.agencyId })
      .andWhere(
        new Brackets((w) => {
          w.where('d.creatorId = :uid', { uid: scope.userId });
          const visibleNonSecret = new Brackets((n) => {
            n.where('d.secrecy IS NULL');
            if (!scope.wholeAgency) {
              if (scope.unitIds.length) n.andWhere('d.responsibleUnitId IN (:...units)', { units: scope.unitIds });
              else n.andWhere('1 = 0');
            }
          });
          w.orWhere(visibleNonSecret);
          // Archived dossiers open to the whole agency by their access rights.
          w.orWhere("(d.secrecy IS NULL AND d.state = 'archived' AND d.rights = :public)", { public: PUBLIC_RIGHTS });
          // Secret dossiers: their readers (readerIds is a JSON array of uuids).
          w.orWhere('(d.secrecy IS NOT NULL AND d.readerIds LIKE :reader)', { reader: `%"${scope.userId}"%` });
        }),
      );
    if (q.year) qb.andWhere('d.year = :year', { year: q.year });
    if (q.state === 'due')
      qb.andWhere("d.state = 'closed' AND d.transferDueAt <= :soon", {
        soon: new Date(now.getTime() + TRANSFER_ALERT_DAYS * 86400000),
      });
    else if (q.state) qb.andWhere('d.state = :state', { state: q.state });
    if (q.q) {
      const like = `%${escapeLike(foldVietnamese(q.q))}%`;
      // Backslash escapes LIKE wildcards: MySQL's default; SQLite needs ESCAPE (MySQL would read '\' as a quote).
      const esc = this.tx.isSqlite ? " ESCAPE '\\'" : '';
      qb.andWhere(
        new Brackets((w) =>
          w.where(`d.titleFolded LIKE :like${esc}`, { like }).orWhere(`LOWER(d.code) LIKE :like${esc}`, { like }),
        ),
      );
    }
    if (q.documentId) {
      // which dossiers hold a document is itself about the document: only for one the user may see
      if (!(await this.docs.accessOf(user, [q.documentId])).get(q.documentId)?.see) return [];
      qb.andWhere('d.id IN (SELECT i.dossier_id FROM dossier_item i WHERE i.document_id = :doc)', {
        doc: q.documentId,
      });
    }
    const rows = await qb.orderBy('d.createdAt', 'DESC').take(500).getMany();
    return rows.map((d) => toDossierSummary(d, now));
  }

  async get(user: AuthUser, id: string) {
    const m = this.tx.manager;
    const d = await this.visible(user, id, m);
    const items = await m.find(DossierItemEntity, { where: { dossierId: id } });
    const agency = await m.findOneByOrFail(AgencyEntity, { id: d.agencyId });
    const alerts = await m.find(DossierAlertEntity, { where: { dossierId: id }, order: { createdAt: 'ASC' } });
    const access = await this.docs.accessOf(
      user,
      items.map((i) => i.documentId),
    );
    const hidden = hiddenOf(access);
    const shown = { ...d, documentIndex: d.documentIndex?.filter((l) => !hidden.has(l.documentId)) ?? null };
    const view = toDossierView(
      shown as DossierEntity,
      items.filter((i) => !hidden.has(i.documentId)),
      agency.organId,
      this.clock.now(),
      this.config.timezone,
    );
    return {
      ...view,
      // each document as it is listed (number, date, subject), also while the dossier is open
      items: view.items.map((i) => ({ ...i, ...access.get(i.documentId)?.summary })),
      alerts: alerts.map((a) => ({ kind: a.kind, dueAt: a.dueAt, createdAt: a.createdAt })),
    };
  }

  /**
   * The secret documents among `documentIds` that `user` may not see: a dossier's readers see its documents, but
   * a secret document only its own readers, wherever it is filed (views and exports leave it out for the others).
   */
  async hiddenSecrets(user: AuthUser, documentIds: string[]): Promise<Set<string>> {
    return hiddenOf(await this.docs.accessOf(user, documentIds));
  }

  async update(user: AuthUser, id: string, dto: UpdateDossierDto) {
    await this.tx.run(async (m) => {
      const d = await this.changeable(user, id, m);
      this.assertNotArchived(d);
      const keys = Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined);
      // After closing only these corrections are allowed (Decree 30/2020, art. 29: closed files are fixed).
      if (READ_ONLY.includes(d.state) && keys.some((k) => !['description', 'rights'].includes(k)))
        throw conflict('DOSSIER_READ_ONLY');
      if (dto.title) {
        d.title = dto.title.normalize('NFC');
        d.titleFolded = foldVietnamese(d.title).slice(0, 500);
      }
      if (dto.retention !== undefined) {
        const r = requireRetention(dto.retention);
        d.retentionPermanent = r.permanent;
        d.retentionYears = r.years;
      }
      if (dto.rights !== undefined) d.rights = dto.rights;
      if (dto.language !== undefined) d.language = dto.language;
      if (dto.description !== undefined) d.description = dto.description;
      if (dto.startDate) d.startDate = new Date(dto.startDate);
      if (dto.readerIds) d.readerIds = dto.readerIds;
      if (dto.responsibleUnitId) {
        if (!(await m.exists(UnitEntity, { where: { id: dto.responsibleUnitId, agencyId: d.agencyId } })))
          throw notFound('unit', dto.responsibleUnitId);
        d.responsibleUnitId = dto.responsibleUnitId;
      }
      d.updatedAt = this.clock.now();
      await m.save(d);
      await this.audit.record({
        actorId: user.id,
        agencyId: d.agencyId,
        action: 'dossier.updated',
        entityType: 'dossier',
        entityId: d.id,
        data: { ...dto },
      });
    });
    return this.get(user, id);
  }

  assertNotArchived(d: DossierEntity): void {
    if (d.state === 'archived' || d.state === 'destroyed') throw conflict('DOSSIER_ARCHIVED');
  }

  /**
   * Files a document by hand. The user must be able to see it (else it is "not found": a dossier would hand its
   * content to everyone who sees the dossier). A secret document goes only into a secret dossier of at least its
   * level, filed by someone who may share it (its leaders and clerks); there it stays with its own readers
   * (`hiddenSecrets`).
   */
  async addItem(user: AuthUser, id: string, documentId: string) {
    const doc = (await this.docs.accessOf(user, [documentId])).get(documentId);
    const order = await this.tx.run(async (m) => {
      const d = await this.changeable(user, id, m);
      this.assertNotArchived(d);
      if (d.state !== 'open') throw conflict('DOSSIER_NOT_OPEN', { state: d.state });
      if (!doc || doc.agencyId !== d.agencyId || !doc.see) throw notFound('document', documentId);
      assertHolds(d, doc.secrecy);
      if (doc.secrecy && !doc.share) throw forbidden();
      if (await m.exists(DossierItemEntity, { where: { dossierId: id, documentId } }))
        throw conflict('DOSSIER_ITEM_EXISTS');
      return this.insertItem(m, d, documentId, doc.pageCount, 'manual', user.id);
    });
    return { documentId, order };
  }

  /**
   * Files a document into a dossier inside the caller's transaction (the workflow job's): idempotent, a replay
   * of the same job finds the item and does nothing. Appendix VI III.4.e: a reference, never a copy.
   */
  /** Agencies of dossier ids (for the process layer's checks of generic starts). */
  agencyOf(ids: string[]): Promise<{ id: string; agencyId: string }[]> {
    return this.tx.manager.find(DossierEntity, { where: { id: In(ids) }, select: { id: true, agencyId: true } });
  }

  async fileFromWorkflow(
    m: EntityManager,
    input: { documentId: string; dossierId: string; agencyId: string; jobKey: string },
  ): Promise<{ filed: boolean; reason?: string }> {
    const d = await m.findOne(DossierEntity, { where: { id: input.dossierId } });
    const skip = async (reason: string) => {
      await this.audit.record({
        actorId: null,
        agencyId: input.agencyId || null,
        action: 'dossier.filing-skipped',
        entityType: 'dossier',
        entityId: input.dossierId,
        data: { documentId: input.documentId, reason, jobKey: input.jobKey },
      });
      this.logger.warn(`document ${input.documentId} not filed into ${input.dossierId}: ${reason}`);
      return { filed: false, reason };
    };
    if (!d || (input.agencyId && d.agencyId !== input.agencyId)) return skip('dossier-not-found');
    if (await m.exists(DossierItemEntity, { where: { dossierId: d.id, documentId: input.documentId } }))
      return { filed: true };
    if (d.state !== 'open') return skip(`dossier-${d.state}`);
    const doc = (await this.docs.get([input.documentId])).get(input.documentId);
    if (!doc || doc.agencyId !== d.agencyId) return skip('document-not-found');
    // a secret document chosen for an open (or less secret) dossier would reach that dossier's readers
    if (doc.secrecy && !secrecyCovers(d.secrecy, doc.secrecy)) return skip('dossier-secrecy-too-low');
    await this.insertItem(m, d, input.documentId, doc.pageCount, 'workflow', null, input.jobKey);
    return { filed: true };
  }

  private async insertItem(
    m: EntityManager,
    d: DossierEntity,
    documentId: string,
    pageCount: number,
    source: 'workflow' | 'manual',
    actorId: string | null,
    jobKey?: string,
  ): Promise<number> {
    const order = d.nextOrder;
    await m.insert(DossierItemEntity, {
      id: this.ids.next(),
      dossierId: d.id,
      documentId,
      order,
      source,
      addedById: actorId,
      addedAt: this.clock.now(),
    });
    // DocTotal and PageTotal are filled in automatically (appendix VI §III, fields 9–10).
    await m.update(
      DossierEntity,
      { id: d.id },
      {
        nextOrder: order + 1,
        docTotal: d.docTotal + 1,
        pageTotal: d.pageTotal + (pageCount || 0),
        updatedAt: this.clock.now(),
      },
    );
    await this.audit.record({
      actorId,
      agencyId: d.agencyId,
      action: 'dossier.document-filed',
      entityType: 'dossier',
      entityId: d.id,
      data: { documentId, order, source, jobKey: jobKey ?? null },
    });
    return order;
  }

  async removeItem(user: AuthUser, id: string, documentId: string) {
    const docs = await this.docs.get([documentId]).catch(() => new Map());
    await this.tx.run(async (m) => {
      const d = await this.changeable(user, id, m);
      this.assertNotArchived(d);
      if (d.state !== 'open') throw conflict('DOSSIER_NOT_OPEN', { state: d.state });
      const item = await m.findOne(DossierItemEntity, { where: { dossierId: id, documentId } });
      if (!item) throw notFound('dossier item', documentId);
      await m.delete(DossierItemEntity, { id: item.id });
      const pages = (docs.get(documentId) as { pageCount?: number } | undefined)?.pageCount ?? 0;
      await m.update(
        DossierEntity,
        { id },
        {
          docTotal: Math.max(0, d.docTotal - 1),
          pageTotal: Math.max(0, d.pageTotal - pages),
          updatedAt: this.clock.now(),
        },
      );
      await this.audit.record({
        actorId: user.id,
        agencyId: d.agencyId,
        action: 'dossier.document-removed',
        entityType: 'dossier',
        entityId: id,
        data: { documentId, order: item.order },
      });
    });
  }

  async items(m: EntityManager, dossierIds: string[]): Promise<DossierItemEntity[]> {
    if (!dossierIds.length) return [];
    return m.find(DossierItemEntity, { where: { dossierId: In(dossierIds) }, order: { order: 'ASC' } });
  }
}

/** Levels of secrecy (Decree 30/2020 "Mật", "Tối mật", "Tuyệt mật"), lowest first. */
const SECRECY_LEVELS = ['confidential', 'secret', 'top-secret'];

/** Whether a dossier marked `dossier` may hold a document marked `document` (at least its level). */
export function secrecyCovers(dossier: string | null, document: string): boolean {
  return !!dossier && SECRECY_LEVELS.indexOf(dossier) >= SECRECY_LEVELS.indexOf(document);
}

/** 409 when a document of `secrecy` may not go into dossier `d` (a dossier holds documents up to its own level). */
function assertHolds(d: Pick<DossierEntity, 'secrecy'>, secrecy: string | null): void {
  if (secrecy && !secrecyCovers(d.secrecy, secrecy))
    throw conflict('DOSSIER_SECRECY_TOO_LOW', { dossier: d.secrecy ?? '', document: secrecy });
}
