import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { In } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { Clock, IdGenerator } from '../../common/clock.js';
import { badRequest } from '../../common/domain-error.js';
import { registerMessages } from '../../common/messages.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { hashPassword } from '../auth/password-hasher.js';
import { PolicyService } from '../auth/policy.service.js';
import { AgencyChangeEntity, AgencyEntity } from './agency.entity.js';
import { ABBREVIATION, ORGAN_ID } from './dto/organizations.dto.js';
import { UnitEntity } from './unit.entity.js';
import { ROLES, RoleAssignmentEntity, UserEntity, type Role } from './user.entity.js';
import { checkCsvLines } from '../../common/input-caps.js';

/** Rows of one onboarding CSV at most. */
export const MAX_IMPORT_LINES = 50_000;

registerMessages({
  IMPORT_INVALID: {
    vi: 'Tệp CSV có {count} dòng lỗi; không dòng nào được nhập.',
    en: 'The CSV file has {count} invalid rows; nothing was imported.',
  },
  IMPORT_UNREADABLE: { vi: 'Không đọc được tệp CSV: {reason}', en: 'The CSV file cannot be read: {reason}' },
});

export type ImportKind = 'agencies' | 'units' | 'users';
export interface RowError {
  row: number;
  field?: string;
  message: string;
}

export const IMPORT_COLUMNS: Record<ImportKind, string[]> = {
  agencies: ['organId', 'name', 'abbreviation', 'level', 'parentOrganId', 'placeName'],
  units: ['agencyOrganId', 'abbreviation', 'name', 'parentAbbreviation'],
  users: ['username', 'fullName', 'agencyOrganId', 'unitAbbreviation', 'title', 'email', 'roles', 'password'],
};
const LEVELS = ['province', 'department', 'district', 'commune', 'other'];

/**
 * CSV onboarding (how a province brings in 216 communes): every row is checked first, against the database
 * and against the other rows; any error → 400 naming each bad row, and nothing is written. Otherwise all rows
 * are written in one transaction.
 */
@Injectable()
export class CsvImportService {
  constructor(
    private readonly tx: TransactionService,
    private readonly policy: PolicyService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async import(actor: AuthUser, kind: ImportKind, csv: string, dryRun = false) {
    // counted before parsing: a province's 10,000 users fit five times over
    checkCsvLines(csv, MAX_IMPORT_LINES);
    let rows: Record<string, string>[];
    try {
      rows = parse(csv.replace(/^\uFEFF/, ''), {
        columns: (h: string[]) => h.map((c) => c.trim()),
        skip_empty_lines: true,
        trim: true,
        relax_column_count: false,
      });
    } catch (e) {
      throw badRequest('IMPORT_UNREADABLE', { reason: (e as Error).message });
    }
    if (!rows.length) throw badRequest('IMPORT_UNREADABLE', { reason: 'no rows' });
    const missing = IMPORT_COLUMNS[kind].filter(
      (c) =>
        !(c in rows[0]) &&
        ![
          'parentOrganId',
          'placeName',
          'parentAbbreviation',
          'unitAbbreviation',
          'title',
          'email',
          'password',
        ].includes(c),
    );
    if (missing.length) throw badRequest('IMPORT_UNREADABLE', { reason: `missing columns ${missing.join(', ')}` });
    const manageable = new Set(await this.policy.manageableAgencyIds(actor));
    const agencies = await this.tx.manager.find(AgencyEntity);
    const byOrganId = new Map(agencies.map((a) => [a.organId, a]));
    const errors: RowError[] = [];
    const err = (row: number, field: string | undefined, message: string) => errors.push({ row, field, message });
    const plan =
      kind === 'agencies'
        ? this.planAgencies(rows, byOrganId, manageable, err, actor.id)
        : kind === 'units'
          ? await this.planUnits(rows, byOrganId, manageable, err, actor.id)
          : await this.planUsers(rows, byOrganId, manageable, err, actor.id);
    if (errors.length)
      throw badRequest('IMPORT_INVALID', { count: new Set(errors.map((e) => e.row)).size }, { errors });
    if (dryRun) return { imported: 0, dryRun: true, rows: rows.length };
    const result = await plan();
    this.policy.invalidateTree();
    return { imported: rows.length, ...result };
  }

  private planAgencies(
    rows: Record<string, string>[],
    byOrganId: Map<string, AgencyEntity>,
    manageable: Set<string>,
    err: (r: number, f: string | undefined, m: string) => void,
    actorId: string,
  ) {
    const seen = new Map<string, number>();
    rows.forEach((r, i) => {
      const n = i + 2; // header is line 1
      if (!ORGAN_ID.test(r.organId ?? '')) err(n, 'organId', 'must have the form 000.00.00.H42');
      else if (byOrganId.has(r.organId)) err(n, 'organId', `${r.organId} already exists`);
      else if (seen.has(r.organId)) err(n, 'organId', `duplicate of row ${seen.get(r.organId)}`);
      seen.set(r.organId, n);
      if (!r.name || r.name.length < 2) err(n, 'name', 'required');
      if (!ABBREVIATION.test(r.abbreviation ?? '')) err(n, 'abbreviation', 'letters and digits, at most 20');
      if (!LEVELS.includes(r.level)) err(n, 'level', `one of ${LEVELS.join(', ')}`);
      const parent = r.parentOrganId;
      if (!parent) err(n, 'parentOrganId', 'required');
      else if (byOrganId.has(parent)) {
        if (!manageable.has(byOrganId.get(parent)!.id)) err(n, 'parentOrganId', 'you do not administer this agency');
      } else if (!rows.slice(0, i).some((p) => p.organId === parent))
        err(n, 'parentOrganId', `unknown agency ${parent} (parents must come first)`);
    });
    return () =>
      this.tx.run(async (m) => {
        const ids = new Map([...byOrganId].map(([k, v]) => [k, v.id]));
        for (const r of rows) {
          const id = this.ids.next();
          ids.set(r.organId, id);
          const parentId = ids.get(r.parentOrganId)!;
          await m.insert(AgencyEntity, {
            id,
            organId: r.organId,
            name: r.name.normalize('NFC'),
            abbreviation: r.abbreviation,
            level: r.level as AgencyEntity['level'],
            parentId,
            placeName: r.placeName ?? '',
            governingBodyName: '',
            active: true,
            mergedIntoId: null,
            createdAt: this.clock.now(),
          });
          await m.insert(AgencyChangeEntity, {
            id: this.ids.next(),
            agencyId: id,
            kind: 'created',
            toParentId: parentId,
            at: this.clock.now(),
            byUserId: actorId,
          });
          await this.audit.record({
            actorId,
            agencyId: id,
            action: 'agency.imported',
            entityType: 'agency',
            entityId: id,
            data: { organId: r.organId },
          });
        }
        return {};
      });
  }

  private async planUnits(
    rows: Record<string, string>[],
    byOrganId: Map<string, AgencyEntity>,
    manageable: Set<string>,
    err: (r: number, f: string | undefined, m: string) => void,
    actorId: string,
  ) {
    const agencyIds = [...new Set(rows.map((r) => byOrganId.get(r.agencyOrganId)?.id).filter((x): x is string => !!x))];
    const existing = agencyIds.length
      ? await this.tx.manager.find(UnitEntity, { where: { agencyId: In(agencyIds) } })
      : [];
    const key = (agencyId: string, abbr: string) => `${agencyId}/${abbr.toUpperCase()}`;
    const known = new Map(existing.map((u) => [key(u.agencyId, u.abbreviation), u.id]));
    const seen = new Map<string, number>();
    rows.forEach((r, i) => {
      const n = i + 2;
      const agency = byOrganId.get(r.agencyOrganId);
      if (!agency) return err(n, 'agencyOrganId', `unknown agency ${r.agencyOrganId ?? ''}`);
      if (!manageable.has(agency.id)) err(n, 'agencyOrganId', 'you do not administer this agency');
      if (!ABBREVIATION.test(r.abbreviation ?? '')) err(n, 'abbreviation', 'letters and digits, at most 20');
      const k = key(agency.id, r.abbreviation ?? '');
      if (known.has(k)) err(n, 'abbreviation', `${r.abbreviation} already exists in ${agency.abbreviation}`);
      else if (seen.has(k)) err(n, 'abbreviation', `duplicate of row ${seen.get(k)}`);
      seen.set(k, n);
      if (!r.name || r.name.length < 2) err(n, 'name', 'required');
      if (
        r.parentAbbreviation &&
        !known.has(key(agency.id, r.parentAbbreviation)) &&
        !seen.has(key(agency.id, r.parentAbbreviation))
      )
        err(n, 'parentAbbreviation', `unknown unit ${r.parentAbbreviation}`);
    });
    return () =>
      this.tx.run(async (m) => {
        for (const r of rows) {
          const agency = byOrganId.get(r.agencyOrganId)!;
          const id = this.ids.next();
          known.set(key(agency.id, r.abbreviation), id);
          await m.insert(UnitEntity, {
            id,
            agencyId: agency.id,
            abbreviation: r.abbreviation,
            name: r.name.normalize('NFC'),
            parentUnitId: r.parentAbbreviation ? known.get(key(agency.id, r.parentAbbreviation))! : null,
            active: true,
          });
          await this.audit.record({
            actorId,
            agencyId: agency.id,
            action: 'unit.imported',
            entityType: 'unit',
            entityId: id,
            data: { abbreviation: r.abbreviation },
          });
        }
        return {};
      });
  }

  private async planUsers(
    rows: Record<string, string>[],
    byOrganId: Map<string, AgencyEntity>,
    manageable: Set<string>,
    err: (r: number, f: string | undefined, m: string) => void,
    actorId: string,
  ) {
    const usernames = rows.map((r) => r.username).filter(Boolean);
    const taken = new Set(
      usernames.length
        ? (
            await this.tx.manager.find(UserEntity, { where: { username: In(usernames) }, select: { username: true } })
          ).map((u) => u.username)
        : [],
    );
    const agencyIds = [...new Set(rows.map((r) => byOrganId.get(r.agencyOrganId)?.id).filter((x): x is string => !!x))];
    const units = agencyIds.length
      ? await this.tx.manager.find(UnitEntity, { where: { agencyId: In(agencyIds) } })
      : [];
    const unitOf = (agencyId: string, abbr: string) =>
      units.find((u) => u.agencyId === agencyId && u.abbreviation.toUpperCase() === abbr.toUpperCase());
    const seen = new Map<string, number>();
    rows.forEach((r, i) => {
      const n = i + 2;
      if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(r.username ?? ''))
        err(n, 'username', 'lowercase letters, digits, . _ - (2–64)');
      else if (taken.has(r.username)) err(n, 'username', `${r.username} already exists`);
      else if (seen.has(r.username)) err(n, 'username', `duplicate of row ${seen.get(r.username)}`);
      seen.set(r.username, n);
      if (!r.fullName || r.fullName.length < 2) err(n, 'fullName', 'required');
      const agency = byOrganId.get(r.agencyOrganId);
      if (!agency) err(n, 'agencyOrganId', `unknown agency ${r.agencyOrganId ?? ''}`);
      else {
        if (!manageable.has(agency.id)) err(n, 'agencyOrganId', 'you do not administer this agency');
        if (r.unitAbbreviation && !unitOf(agency.id, r.unitAbbreviation))
          err(n, 'unitAbbreviation', `unknown unit ${r.unitAbbreviation} in ${agency.abbreviation}`);
      }
      if (r.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(r.email)) err(n, 'email', 'not an e-mail address');
      const roles = (r.roles ?? '')
        .split(/[;|]/)
        .map((x) => x.trim())
        .filter(Boolean);
      if (!roles.length) err(n, 'roles', `at least one of ${ROLES.join(', ')}`);
      for (const role of roles)
        if (!(ROLES as readonly string[]).includes(role)) err(n, 'roles', `unknown role ${role}`);
      if (r.password && r.password.length < 10) err(n, 'password', 'at least 10 characters');
    });
    return async () => {
      const generated: { username: string; password: string }[] = [];
      const prepared = await Promise.all(
        rows.map(async (r) => {
          const password = r.password || randomBytes(9).toString('base64url');
          if (!r.password) generated.push({ username: r.username, password });
          return { r, hash: await hashPassword(password) };
        }),
      );
      await this.tx.run(async (m) => {
        for (const { r, hash } of prepared) {
          const agency = byOrganId.get(r.agencyOrganId)!;
          const unit = r.unitAbbreviation ? unitOf(agency.id, r.unitAbbreviation) : undefined;
          const id = this.ids.next();
          await m.insert(UserEntity, {
            id,
            username: r.username,
            fullName: r.fullName.normalize('NFC'),
            title: r.title ?? '',
            email: r.email || null,
            agencyId: agency.id,
            unitId: unit?.id ?? null,
            passwordHash: hash,
            active: true,
            tokenVersion: 0,
            language: 'vi',
            createdAt: this.clock.now(),
          });
          for (const role of r.roles
            .split(/[;|]/)
            .map((x) => x.trim())
            .filter(Boolean) as Role[]) {
            await m.insert(RoleAssignmentEntity, {
              id: this.ids.next(),
              userId: id,
              role,
              agencyId: agency.id,
              unitId: ['unit-head', 'staff'].includes(role) ? (unit?.id ?? null) : null,
              includeDescendants: false,
            });
          }
          await this.audit.record({
            actorId,
            agencyId: agency.id,
            action: 'user.imported',
            entityType: 'user',
            entityId: id,
            data: { username: r.username },
          });
        }
      });
      return { generatedPasswords: generated };
    };
  }
}
