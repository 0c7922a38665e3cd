import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { businessYear } from '../../common/business-time.js';
import { Clock } from '../../common/clock.js';
import { forbidden, notFound } from '../../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import { PolicyService, type AuthUser } from '../auth/index.js';
import { DossierStatsService, type DossierCountRow } from '../dossiers/index.js';
import { AgencyEntity, UnitEntity, UserEntity } from '../organizations/index.js';
import { loadTargets } from './dossier-targets.js';
import type { DossierReportQuery } from './dto/dossier-report.dto.js';
import { csvDocument } from '../../common/spreadsheet-cells.js';

interface Counts {
  planned: number;
  builtElectronically: number;
  opened: number;
  closed: number;
  submitted: number;
  transferred: number;
}

const KEYS: (keyof Counts)[] = ['planned', 'builtElectronically', 'opened', 'closed', 'submitted', 'transferred'];
const empty = (): Counts => ({
  planned: 0,
  builtElectronically: 0,
  opened: 0,
  closed: 0,
  submitted: 0,
  transferred: 0,
});
const addTo = (acc: Counts, r: Counts) => KEYS.forEach((k) => (acc[k] += r[k]));
const share = (c: Counts) => (c.planned ? Math.round((c.builtElectronically / c.planned) * 1000) / 10 : null);

@Injectable()
export class ReportsService {
  private readonly targets = loadTargets();

  constructor(
    private readonly tx: TransactionService,
    private readonly policy: PolicyService,
    private readonly stats: DossierStatsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Leaders (and unit heads) see their agency; an installation or parent-agency admin sees their tree. */
  private async scope(user: AuthUser, agencyId?: string): Promise<string[]> {
    const visible = new Set(await this.policy.visibleAgencyIds(user));
    if (!user.permissions.has('reports.read')) throw forbidden();
    if (!agencyId) return [...visible];
    if (!visible.has(agencyId)) throw notFound('agency', agencyId);
    return (await this.policy.subtree(agencyId)).filter((id) => visible.has(id));
  }

  async dossiers(user: AuthUser, q: DossierReportQuery) {
    const year = q.year ?? businessYear(this.clock.now(), this.config.timezone);
    const m = this.tx.manager;
    let agencies = await m.find(AgencyEntity, { where: { id: In(await this.scope(user, q.agencyId)) } });
    if (q.level) agencies = agencies.filter((a) => a.level === q.level);
    const rows = await this.stats.counts(
      agencies.map((a) => a.id),
      year,
    );
    const units = new Map(
      (await m.find(UnitEntity, { where: { agencyId: In(agencies.map((a) => a.id).concat([''])) } })).map((u) => [
        u.id,
        u,
      ]),
    );
    const creatorIds = [...new Set(rows.map((r) => r.creatorId).filter((x): x is string => !!x))];
    const users = new Map(
      (creatorIds.length
        ? await m.find(UserEntity, {
            where: { id: In(creatorIds) },
            select: { id: true, fullName: true, username: true, unitId: true },
          })
        : []
      ).map((u) => [u.id, u]),
    );
    const target = (level: string) => this.targets[level] ?? null;
    const withShare = (c: Counts, level: string) => {
      const s = share(c);
      const t = target(level);
      return { ...c, electronicShare: s, target: t, meetsTarget: s === null || t === null ? null : s >= t };
    };
    const agencyViews = agencies
      .map((a) => {
        const mine = rows.filter((r) => r.agencyId === a.id);
        const total = empty();
        mine.forEach((r) => addTo(total, r));
        const byUnit = new Map<string, Counts>();
        for (const r of mine) {
          const key = r.unitId ?? '';
          if (!byUnit.has(key)) byUnit.set(key, empty());
          addTo(byUnit.get(key)!, r);
        }
        const byPerson = new Map<string, { created: number; complete: number }>();
        for (const r of mine.filter((x: DossierCountRow) => x.creatorId)) {
          const p = byPerson.get(r.creatorId!) ?? { created: 0, complete: 0 };
          p.created += r.opened;
          p.complete += r.closed;
          byPerson.set(r.creatorId!, p);
        }
        return {
          agencyId: a.id,
          organId: a.organId,
          name: a.name,
          level: a.level,
          parentId: a.parentId,
          ...withShare(total, a.level),
          units: [...byUnit.entries()].map(([unitId, c]) => ({
            unitId: unitId || null,
            name: unitId ? (units.get(unitId)?.name ?? '') : 'Chưa xác định đơn vị',
            abbreviation: unitId ? (units.get(unitId)?.abbreviation ?? '') : '',
            ...withShare(c, a.level),
          })),
          people: [...byPerson.entries()].map(([userId, p]) => ({
            userId,
            fullName: users.get(userId)?.fullName ?? '',
            username: users.get(userId)?.username ?? '',
            ...p,
          })),
        };
      })
      .sort((x, y) => x.organId.localeCompare(y.organId));
    const levels = [...new Set(agencies.map((a) => a.level))].map((level) => {
      const c = empty();
      agencyViews.filter((a) => a.level === level).forEach((a) => addTo(c, a));
      return { level, agencies: agencyViews.filter((a) => a.level === level).length, ...withShare(c, level) };
    });
    return { year, targets: this.targets, levels, agencies: agencyViews };
  }

  toCsv(report: Awaited<ReturnType<ReportsService['dossiers']>>): string {
    const head = [
      'scope',
      'level',
      'organId',
      'agency',
      'unit',
      'person',
      'planned',
      'builtElectronically',
      'opened',
      'closed',
      'submitted',
      'transferred',
      'electronicShare',
      'target',
      'meetsTarget',
    ];
    const lines: unknown[][] = [head];
    for (const l of report.levels)
      lines.push([
        'level',
        l.level,
        '',
        '',
        '',
        '',
        l.planned,
        l.builtElectronically,
        l.opened,
        l.closed,
        l.submitted,
        l.transferred,
        l.electronicShare,
        l.target,
        l.meetsTarget,
      ]);
    for (const a of report.agencies) {
      lines.push([
        'agency',
        a.level,
        a.organId,
        a.name,
        '',
        '',
        a.planned,
        a.builtElectronically,
        a.opened,
        a.closed,
        a.submitted,
        a.transferred,
        a.electronicShare,
        a.target,
        a.meetsTarget,
      ]);
      for (const u of a.units)
        lines.push([
          'unit',
          a.level,
          a.organId,
          a.name,
          u.abbreviation || u.name,
          '',
          u.planned,
          u.builtElectronically,
          u.opened,
          u.closed,
          u.submitted,
          u.transferred,
          u.electronicShare,
          u.target,
          u.meetsTarget,
        ]);
      for (const p of a.people)
        lines.push([
          'person',
          a.level,
          a.organId,
          a.name,
          '',
          p.fullName,
          '',
          '',
          p.created,
          p.complete,
          '',
          '',
          '',
          '',
          '',
        ]);
    }
    // names are neutralised: one beginning with = would run as a formula in the reader's spreadsheet program
    return csvDocument(lines);
  }
}
