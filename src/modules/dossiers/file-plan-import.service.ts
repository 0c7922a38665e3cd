import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { IdGenerator } from '../../common/clock.js';
import { conflict, DomainError, unprocessable } from '../../common/domain-error.js';
import { foldVietnamese } from '../../common/vietnamese.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/index.js';
import type { AuthUser } from '../auth/index.js';
import { UnitEntity, UserEntity } from '../organizations/index.js';
import { DossierEntity } from './dossier.entity.js';
import { FilePlanEntryEntity } from './file-plan.entity.js';
import { parsePlanRows, readRows, type ImportError } from './file-plan-import.js';
import { FilePlanService } from './file-plan.service.js';
import './dossiers.messages.js';

/** Imports the file plan from the CSV/XLSX clerks keep (appendix V §I): all rows checked, all or nothing. */
@Injectable()
export class FilePlanImportService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly plans: FilePlanService,
    private readonly ids: IdGenerator,
  ) {}

  /** Imports a whole plan; every row is checked first and nothing is written when one is wrong. */
  async import(user: AuthUser, year: number, content: Buffer, format: 'csv' | 'xlsx') {
    this.plans.assertManage(user);
    let rows: string[][];
    try {
      rows = await readRows(content, format);
    } catch (e) {
      if (e instanceof DomainError && e.kind === 'too-large') throw e; // over the caps: 413, not a bad row
      throw unprocessable(
        'FILE_PLAN_IMPORT_INVALID',
        { count: 1 },
        {
          errors: [{ row: 0, code: 'UNREADABLE', message: `Không đọc được tệp ${format.toUpperCase()}.` }],
        },
      );
    }
    const { lines, errors } = parsePlanRows(rows);
    const m0 = this.tx.manager;
    const units = await m0.find(UnitEntity, { where: { agencyId: user.agencyId } });
    const users = await m0.find(UserEntity, {
      where: { agencyId: user.agencyId },
      select: { id: true, username: true, fullName: true, unitId: true },
    });
    const resolved = lines.map((l) => {
      const unit = this.findUnit(units, l.unit) ?? this.findUnit(units, l.person);
      const person = this.findUser(users, l.person) ?? this.findUser(users, l.unit);
      if (l.unit && !unit && !person)
        errors.push({
          row: l.row,
          column: 'unit',
          code: 'UNIT_UNKNOWN',
          message: `Không tìm thấy đơn vị hoặc người "${l.unit}".`,
        });
      if (l.person && !person && !unit)
        errors.push({
          row: l.row,
          column: 'person',
          code: 'PERSON_UNKNOWN',
          message: `Không tìm thấy người "${l.person}".`,
        });
      return { ...l, unitId: unit?.id ?? (person?.unitId || null), personId: person?.id ?? null };
    });
    for (const h of resolved.filter((l) => l.kind === 'heading' && !l.abbreviation))
      errors.push({
        row: h.row,
        column: 'title',
        code: 'HEADING_ABBREVIATION_MISSING',
        message: 'Đề mục chưa có chữ viết tắt, ví dụ "I. TỔ CHỨC CÁN BỘ (TCCB)".',
      });
    if (errors.length) {
      errors.sort((a: ImportError, b: ImportError) => a.row - b.row);
      throw unprocessable('FILE_PLAN_IMPORT_INVALID', { count: errors.length }, { errors });
    }
    return this.tx.run(async (m) => {
      const plan = await this.plans.draftPlan(m, user.agencyId, year);
      const old = await this.plans.lines(m, plan.id);
      if (old.length) {
        if (await m.exists(DossierEntity, { where: { filePlanEntryId: In(old.map((o) => o.id)) } }))
          throw conflict('FILE_PLAN_IN_USE', { year });
        await m.delete(FilePlanEntryEntity, { filePlanId: plan.id });
      }
      let heading: FilePlanEntryEntity | null = null;
      let sub: FilePlanEntryEntity | null = null;
      const rowsToInsert: FilePlanEntryEntity[] = [];
      resolved.forEach((l, i) => {
        const e = m.create(FilePlanEntryEntity, {
          id: this.ids.next(),
          filePlanId: plan.id,
          agencyId: user.agencyId,
          year,
          kind: l.kind,
          headingId: l.kind === 'heading' ? null : (heading?.id ?? null),
          subheadingId: l.kind === 'entry' ? (sub?.id ?? null) : null,
          position: i + 1,
          number: l.number,
          abbreviation: l.abbreviation,
          notation: l.notation,
          title: l.title,
          retentionPermanent: l.retention?.permanent ?? false,
          retentionYears: l.retention?.years ?? null,
          responsibleUnitId: l.unitId,
          responsiblePersonId: l.personId,
          notes: l.notes,
        });
        if (l.kind === 'heading') {
          heading = e;
          sub = null;
        }
        if (l.kind === 'subheading') sub = e;
        rowsToInsert.push(e);
      });
      for (let i = 0; i < rowsToInsert.length; i += 200)
        await m.insert(FilePlanEntryEntity, rowsToInsert.slice(i, i + 200));
      await this.audit.record({
        actorId: user.id,
        agencyId: user.agencyId,
        action: 'file-plan.imported',
        entityType: 'file-plan',
        entityId: plan.id,
        data: { year, format, lines: rowsToInsert.length, replaced: old.length },
      });
      const entries = rowsToInsert.filter((r) => r.kind === 'entry');
      return {
        id: plan.id,
        year,
        imported: entries.length,
        headings: rowsToInsert.filter((r) => r.kind === 'heading').length,
        totals: {
          total: entries.length,
          permanent: entries.filter((e) => e.retentionPermanent).length,
          fixedTerm: entries.filter((e) => !e.retentionPermanent).length,
        },
      };
    });
  }

  private findUnit(units: UnitEntity[], text: string) {
    if (!text) return undefined;
    const f = foldVietnamese(text);
    return units.find((u) => foldVietnamese(u.abbreviation) === f || foldVietnamese(u.name) === f);
  }

  private findUser(users: Pick<UserEntity, 'id' | 'username' | 'fullName' | 'unitId'>[], text: string) {
    if (!text) return undefined;
    const f = foldVietnamese(text);
    return users.find((u) => u.username.toLowerCase() === text.toLowerCase() || foldVietnamese(u.fullName) === f);
  }
}
