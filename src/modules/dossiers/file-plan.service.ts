import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '../../common/clock.js';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/index.js';
import { DossierPolicy, PolicyService, type AuthUser } from '../auth/index.js';
import { UnitEntity, UserEntity } from '../organizations/index.js';
import { DossierEntity } from './dossier.entity.js';
import { FilePlanEntity, FilePlanEntryEntity } from './file-plan.entity.js';
import type { CreateFilePlanLineDto, UpdateFilePlanLineDto } from './dto/file-plan.dto.js';
import { NOTATION, requireRetention, retentionLabel, toRoman } from './retention.js';
import './dossiers.messages.js';

export interface FilePlanLineView {
  id: string;
  kind: 'heading' | 'subheading' | 'entry';
  number: string;
  abbreviation: string;
  notation: string | null;
  title: string;
  retention: string | null;
  retentionPermanent: boolean;
  retentionYears: number | null;
  headingId: string | null;
  subheadingId: string | null;
  responsibleUnitId: string | null;
  responsiblePersonId: string | null;
  notes: string;
  /** An entry a dossier was already opened from (its code is taken: the entry opens no second one). */
  opened?: boolean;
}

const toLineView = (e: FilePlanEntryEntity): FilePlanLineView => ({
  id: e.id,
  kind: e.kind,
  number: e.number,
  abbreviation: e.abbreviation,
  notation: e.notation,
  title: e.title,
  retention: e.kind === 'entry' ? retentionLabel(e.retentionPermanent, e.retentionYears) : null,
  retentionPermanent: e.retentionPermanent,
  retentionYears: e.retentionYears,
  headingId: e.headingId,
  subheadingId: e.subheadingId,
  responsibleUnitId: e.responsibleUnitId,
  responsiblePersonId: e.responsiblePersonId,
  notes: e.notes,
});

/** File plan (danh mục hồ sơ): Decree 30/2020, art. 28 and appendix V §I–II. */
@Injectable()
export class FilePlanService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly policy: PolicyService,
    private readonly dossierPolicy: DossierPolicy,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async get(user: AuthUser, year: number, agencyId = user.agencyId) {
    await this.policy.assertCanSeeAgency(user, agencyId, 'file plan');
    const m = this.tx.manager;
    const plan = await m.findOne(FilePlanEntity, { where: { agencyId, year } });
    const lines = plan ? await this.lines(m, plan.id) : [];
    const entries = lines.filter((l) => l.kind === 'entry');
    const opened = new Set(
      entries.length
        ? (
            await m
              .getRepository(DossierEntity)
              .createQueryBuilder('d')
              .select('DISTINCT d.filePlanEntryId', 'entryId')
              .where('d.filePlanEntryId IN (:...ids)', { ids: entries.map((e) => e.id) })
              .getRawMany<{ entryId: string }>()
          ).map((r) => r.entryId)
        : [],
    );
    const entryView = (e: FilePlanEntryEntity) => ({ ...toLineView(e), opened: opened.has(e.id) });
    const headings = lines
      .filter((l) => l.kind === 'heading')
      .map((h) => ({
        ...toLineView(h),
        subheadings: lines
          .filter((s) => s.kind === 'subheading' && s.headingId === h.id)
          .map((s) => ({ ...toLineView(s), entries: entries.filter((e) => e.subheadingId === s.id).map(entryView) })),
        entries: entries.filter((e) => e.headingId === h.id && !e.subheadingId).map(entryView),
      }));
    return {
      id: plan?.id ?? null,
      agencyId,
      year,
      state: plan?.state ?? null,
      approvedAt: plan?.approvedAt ?? null,
      headings,
      entries: entries.map(entryView),
      // Appendix V §I: footer with the total, split into permanent and fixed-term.
      totals: {
        total: entries.length,
        permanent: entries.filter((e) => e.retentionPermanent).length,
        fixedTerm: entries.filter((e) => !e.retentionPermanent).length,
      },
    };
  }

  lines(m: EntityManager, filePlanId: string) {
    return m.find(FilePlanEntryEntity, { where: { filePlanId }, order: { position: 'ASC' } });
  }

  /** The agency's draft plan of the year (created when missing); 409 when it is already approved. */
  async draftPlan(m: EntityManager, agencyId: string, year: number): Promise<FilePlanEntity> {
    const plan = await m.findOne(FilePlanEntity, { where: { agencyId, year } });
    if (plan) {
      if (plan.state === 'approved') throw conflict('FILE_PLAN_APPROVED', { year });
      return plan;
    }
    const created = m.create(FilePlanEntity, {
      id: this.ids.next(),
      agencyId,
      year,
      state: 'draft',
      approvedById: null,
      approvedAt: null,
      createdAt: this.clock.now(),
    });
    await m.insert(FilePlanEntity, created);
    return created;
  }

  assertManage(user: AuthUser): void {
    if (!user.permissions.has('fileplan.manage')) throw forbidden();
  }

  private async assertUnitAndPerson(m: EntityManager, agencyId: string, unitId?: string, personId?: string) {
    if (unitId && !(await m.exists(UnitEntity, { where: { id: unitId, agencyId } }))) throw notFound('unit', unitId);
    if (personId && !(await m.exists(UserEntity, { where: { id: personId, agencyId } })))
      throw notFound('user', personId);
  }

  async addLine(user: AuthUser, year: number, dto: CreateFilePlanLineDto): Promise<FilePlanLineView> {
    this.assertManage(user);
    const kind = dto.kind ?? 'entry';
    return this.tx.run(async (m) => {
      const plan = await this.draftPlan(m, user.agencyId, year);
      const lines = await this.lines(m, plan.id);
      await this.assertUnitAndPerson(m, user.agencyId, dto.responsibleUnitId, dto.responsiblePersonId);
      const heading = dto.headingId ? lines.find((l) => l.id === dto.headingId && l.kind === 'heading') : undefined;
      const sub = dto.subheadingId
        ? lines.find((l) => l.id === dto.subheadingId && l.kind === 'subheading')
        : undefined;
      if ((dto.headingId && !heading) || (dto.subheadingId && (!sub || (heading && sub.headingId !== heading.id))))
        throw badRequest('FILE_PLAN_PARENT_INVALID');
      const parentHeading = heading ?? (sub ? lines.find((l) => l.id === sub.headingId) : undefined);
      const line = m.create(FilePlanEntryEntity, {
        id: this.ids.next(),
        filePlanId: plan.id,
        agencyId: user.agencyId,
        year,
        kind,
        headingId: null,
        subheadingId: null,
        position: lines.reduce((mx, l) => Math.max(mx, l.position), 0) + 1,
        number: '',
        abbreviation: '',
        notation: null,
        title: dto.title.normalize('NFC'),
        retentionPermanent: false,
        retentionYears: null,
        responsibleUnitId: dto.responsibleUnitId ?? null,
        responsiblePersonId: dto.responsiblePersonId ?? null,
        notes: dto.notes ?? '',
      });
      if (kind === 'heading') {
        if (!dto.abbreviation) throw badRequest('VALIDATION_FAILED', { fields: 'abbreviation' });
        line.abbreviation = dto.abbreviation;
        line.number = toRoman(lines.filter((l) => l.kind === 'heading').length + 1);
      } else if (kind === 'subheading') {
        if (!heading) throw badRequest('FILE_PLAN_PARENT_INVALID');
        line.headingId = heading.id;
        // Appendix V §I.2: sub-headings restart at 1 under each heading.
        line.number = String(lines.filter((l) => l.kind === 'subheading' && l.headingId === heading.id).length + 1);
      } else {
        if (!parentHeading) throw badRequest('FILE_PLAN_PARENT_INVALID');
        line.headingId = parentHeading.id;
        line.subheadingId = sub?.id ?? null;
        const r = requireRetention(dto.retention);
        line.retentionPermanent = r.permanent;
        line.retentionYears = r.years;
        line.notation = dto.notation?.toUpperCase() ?? this.nextNotation(lines, parentHeading);
        this.assertNotation(lines, line.notation);
      }
      await m.insert(FilePlanEntryEntity, line);
      await this.audit.record({
        actorId: user.id,
        agencyId: user.agencyId,
        action: 'file-plan.line-added',
        entityType: 'file-plan',
        entityId: plan.id,
        data: { lineId: line.id, kind, notation: line.notation, title: line.title },
      });
      return toLineView(line);
    });
  }

  /** Appendix V §I.2: numbering from 01 within each heading, `NN.ABBR`. */
  private nextNotation(lines: FilePlanEntryEntity[], heading: FilePlanEntryEntity): string {
    const nums = lines
      .filter((l) => l.kind === 'entry' && l.notation?.endsWith(`.${heading.abbreviation}`))
      .map((l) => Number(l.notation!.split('.')[0]));
    return `${String(Math.max(0, ...nums) + 1).padStart(2, '0')}.${heading.abbreviation}`;
  }

  private assertNotation(lines: FilePlanEntryEntity[], notation: string, selfId?: string): void {
    if (!NOTATION.test(notation)) throw badRequest('NOTATION_INVALID');
    if (lines.some((l) => l.id !== selfId && l.notation === notation)) throw conflict('NOTATION_TAKEN', { notation });
  }

  async updateLine(user: AuthUser, id: string, dto: UpdateFilePlanLineDto): Promise<FilePlanLineView> {
    this.assertManage(user);
    return this.tx.run(async (m) => {
      const line = await m.findOne(FilePlanEntryEntity, { where: { id, agencyId: user.agencyId } });
      if (!line) throw notFound('file plan entry', id);
      const plan = await m.findOneByOrFail(FilePlanEntity, { id: line.filePlanId });
      if (plan.state === 'approved') throw conflict('FILE_PLAN_APPROVED', { year: plan.year });
      await this.assertUnitAndPerson(m, user.agencyId, dto.responsibleUnitId, dto.responsiblePersonId);
      if (dto.title) line.title = dto.title.normalize('NFC');
      if (dto.notes !== undefined) line.notes = dto.notes;
      if (dto.responsibleUnitId) line.responsibleUnitId = dto.responsibleUnitId;
      if (dto.responsiblePersonId) line.responsiblePersonId = dto.responsiblePersonId;
      if (line.kind === 'heading' && dto.abbreviation) line.abbreviation = dto.abbreviation;
      if (line.kind === 'entry') {
        if (dto.notation) {
          this.assertNotation(await this.lines(m, plan.id), dto.notation.toUpperCase(), line.id);
          line.notation = dto.notation.toUpperCase();
        }
        if (dto.retention !== undefined) {
          const r = requireRetention(dto.retention);
          line.retentionPermanent = r.permanent;
          line.retentionYears = r.years;
        }
      }
      await m.save(line);
      await this.audit.record({
        actorId: user.id,
        agencyId: user.agencyId,
        action: 'file-plan.line-updated',
        entityType: 'file-plan',
        entityId: plan.id,
        data: { lineId: id, ...dto },
      });
      return toLineView(line);
    });
  }

  /** Decree 30/2020, art. 28: the head of the agency approves the plan. */
  async approve(user: AuthUser, year: number) {
    if (!this.dossierPolicy.isHeadOfAgency(user, user.agencyId)) throw forbidden('NOT_HEAD_OF_AGENCY');
    return this.tx.run(async (m) => {
      const plan = await m.findOne(FilePlanEntity, { where: { agencyId: user.agencyId, year } });
      if (!plan) throw notFound('file plan');
      if (plan.state === 'approved') throw conflict('FILE_PLAN_APPROVED', { year });
      if (!(await m.exists(FilePlanEntryEntity, { where: { filePlanId: plan.id, kind: 'entry' } })))
        throw unprocessable('FILE_PLAN_EMPTY');
      plan.state = 'approved';
      plan.approvedById = user.id;
      plan.approvedAt = this.clock.now();
      await m.save(plan);
      await this.audit.record({
        actorId: user.id,
        agencyId: user.agencyId,
        action: 'file-plan.approved',
        entityType: 'file-plan',
        entityId: plan.id,
        data: { year },
      });
      return { id: plan.id, year, state: plan.state, approvedAt: plan.approvedAt };
    });
  }

  /** Next year's plan starts as a copy of this one, in draft, for the clerk to adjust. */
  async copyForward(user: AuthUser, year: number) {
    this.assertManage(user);
    return this.tx.run(async (m) => {
      const plan = await m.findOne(FilePlanEntity, { where: { agencyId: user.agencyId, year } });
      if (!plan) throw notFound('file plan');
      const next = await this.draftPlan(m, user.agencyId, year + 1);
      if (await m.exists(FilePlanEntryEntity, { where: { filePlanId: next.id } }))
        throw conflict('FILE_PLAN_EXISTS', { year: year + 1 });
      const idMap = new Map<string, string>();
      const copies = (await this.lines(m, plan.id)).map((l) => {
        idMap.set(l.id, this.ids.next());
        return { ...l, id: idMap.get(l.id)!, filePlanId: next.id, year: year + 1 };
      });
      for (const c of copies) {
        c.headingId = c.headingId ? (idMap.get(c.headingId) ?? null) : null;
        c.subheadingId = c.subheadingId ? (idMap.get(c.subheadingId) ?? null) : null;
      }
      for (let i = 0; i < copies.length; i += 200) await m.insert(FilePlanEntryEntity, copies.slice(i, i + 200));
      await this.audit.record({
        actorId: user.id,
        agencyId: user.agencyId,
        action: 'file-plan.copied-forward',
        entityType: 'file-plan',
        entityId: next.id,
        data: { fromYear: year, toYear: year + 1, lines: copies.length },
      });
      return { id: next.id, year: year + 1, state: next.state, lines: copies.length };
    });
  }

  /** Dossiers opened from the plan need the entry (same agency). */
  async entryForOpening(user: AuthUser, id: string): Promise<FilePlanEntryEntity> {
    const e = await this.tx.manager.findOne(FilePlanEntryEntity, {
      where: { id, agencyId: user.agencyId, kind: 'entry' },
    });
    if (!e) throw notFound('file plan entry', id);
    return e;
  }
}
