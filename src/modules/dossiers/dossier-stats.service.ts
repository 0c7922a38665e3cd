import { Injectable } from '@nestjs/common';
import { TransactionService } from '../../database/transaction.service.js';

export interface DossierCountRow {
  agencyId: string;
  unitId: string | null;
  creatorId: string | null;
  planned: number;
  builtElectronically: number;
  opened: number;
  closed: number;
  submitted: number;
  transferred: number;
}

const n = (v: unknown): number => Number(v ?? 0);

/**
 * Raw filing counts for the leaders' statistics (reports module), by agency, unit and creator, for one year:
 * planned = file-plan entries; builtElectronically = entries with at least one dossier opened from them;
 * opened = dossiers of the year (FileCatalog); closed = closed with the completeness check (complete);
 * submitted = waiting in the archive; transferred = accepted by the agency archive.
 */
@Injectable()
export class DossierStatsService {
  constructor(private readonly tx: TransactionService) {}

  async counts(agencyIds: string[], year: number): Promise<DossierCountRow[]> {
    if (!agencyIds.length) return [];
    const m = this.tx.manager;
    const ph = agencyIds.map(() => '?').join(',');
    const params = [year, ...agencyIds];
    const plan: Record<string, unknown>[] = await m.query(
      `SELECT e.agency_id AS a, e.responsible_unit_id AS u, COUNT(*) AS planned,
              SUM(CASE WHEN EXISTS (SELECT 1 FROM dossier d WHERE d.file_plan_entry_id = e.id) THEN 1 ELSE 0 END) AS built
         FROM file_plan_entry e
        WHERE e.kind = 'entry' AND e.year = ? AND e.agency_id IN (${ph})
        GROUP BY e.agency_id, e.responsible_unit_id`,
      params,
    );
    const dossiers: Record<string, unknown>[] = await m.query(
      `SELECT d.agency_id AS a, d.responsible_unit_id AS u, d.creator_id AS c, COUNT(*) AS opened,
              SUM(CASE WHEN d.closed_at IS NOT NULL THEN 1 ELSE 0 END) AS closed,
              SUM(CASE WHEN d.state = 'submitted' THEN 1 ELSE 0 END) AS submitted,
              SUM(CASE WHEN d.archived_at IS NOT NULL THEN 1 ELSE 0 END) AS transferred
         FROM dossier d
        WHERE d.year = ? AND d.agency_id IN (${ph})
        GROUP BY d.agency_id, d.responsible_unit_id, d.creator_id`,
      params,
    );
    const zero = { planned: 0, builtElectronically: 0, opened: 0, closed: 0, submitted: 0, transferred: 0 };
    return [
      ...plan.map((r) => ({
        ...zero,
        agencyId: String(r.a),
        unitId: (r.u as string | null) ?? null,
        creatorId: null,
        planned: n(r.planned),
        builtElectronically: n(r.built),
      })),
      ...dossiers.map((r) => ({
        ...zero,
        agencyId: String(r.a),
        unitId: (r.u as string | null) ?? null,
        creatorId: (r.c as string | null) ?? null,
        opened: n(r.opened),
        closed: n(r.closed),
        submitted: n(r.submitted),
        transferred: n(r.transferred),
      })),
    ];
  }
}
