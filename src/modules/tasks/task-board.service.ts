import { Inject, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { addWorkingDays, endOfLocalDay } from '../../common/business-time.js';
import { Clock } from '../../common/clock.js';
import { badRequest, forbidden } from '../../common/domain-error.js';
import { fastSelect } from '../../database/fast-sql.js';
import { TransactionService } from '../../database/transaction.service.js';
import type { AuthUser } from '../auth/index.js';
import { UnitEntity } from '../organizations/index.js';
import { TaskAccess } from './task-access.js';
import { TaskEntity } from './task.entity.js';
import { redacted } from './task.mapper.js';
import { TasksService } from './tasks.service.js';

export type BoardStatus = 'onTime' | 'dueSoon' | 'late';
interface Counts {
  onTime: number;
  dueSoon: number;
  late: number;
  total: number;
}
const zero = (): Counts => ({ onTime: 0, dueSoon: 0, late: 0, total: 0 });

/** What the board shows of each open task. */
const BOARD_COLUMNS = [
  'id',
  'name',
  'subject',
  'processInstanceId',
  'businessKey',
  'assigneeId',
  'unitId',
  'dueAt',
  'createdAt',
  'urgency',
  'secrecy',
  'ownerId',
  'completedBy',
  'candidateUsers',
] satisfies (keyof TaskEntity & string)[];

/** Local midnight starting the day yyyy-MM-dd in the business time zone. */
function localDayStart(day: string, tz: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return endOfLocalDay(new Date(Date.UTC(y, m - 1, d, 12)), tz, 0);
}

/**
 * The leaders' tracking board: open work in their agency (leaders) or units (unit heads), by person and by
 * unit, counted as on time / due soon (within 2 working days) / late, with the list for drilling down.
 */
@Injectable()
export class TaskBoardService {
  constructor(
    private readonly tx: TransactionService,
    private readonly access: TaskAccess,
    private readonly tasks: TasksService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  status(t: Pick<TaskEntity, 'dueAt'>, now: Date, soonLimit: Date): BoardStatus {
    if (!t.dueAt) return 'onTime';
    if (t.dueAt.getTime() < now.getTime()) return 'late';
    return t.dueAt.getTime() <= soonLimit.getTime() ? 'dueSoon' : 'onTime';
  }

  async board(user: AuthUser, q: { unitId?: string; from?: string; to?: string }) {
    const tz = this.config.timezone;
    const day = /^\d{4}-\d{2}-\d{2}$/;
    if ((q.from && !day.test(q.from)) || (q.to && !day.test(q.to))) throw badRequest('TASK_BAD_PERIOD');
    const qb = this.tx.manager.getRepository(TaskEntity).createQueryBuilder('t').where("t.state = 'open'");
    if (!this.access.whereLeadership(qb, user)) throw forbidden('TASK_SCOPE_FORBIDDEN');
    if (q.unitId) qb.andWhere('t.unitId = :unitId', { unitId: q.unitId });
    if (q.from) qb.andWhere('t.createdAt >= :from', { from: localDayStart(q.from, tz) });
    if (q.to) qb.andWhere('t.createdAt < :to', { to: new Date(localDayStart(q.to, tz).getTime() + 86_400_000) });
    qb.orderBy('t.dueAt IS NULL', 'ASC').addOrderBy('t.dueAt', 'ASC').limit(5000);
    // a large agency has thousands of open tasks: only the columns the board shows, hydrated directly
    const rows = await fastSelect(this.tx.manager, TaskEntity, qb, BOARD_COLUMNS);
    const secret = await this.access.secretTo(user, rows);

    const now = this.clock.now();
    const soonLimit = addWorkingDays(now, 2, tz, this.config.publicHolidays);
    const names = await this.tasks.userNames(rows.map((t) => t.assigneeId));
    const unitIds = [...new Set(rows.map((t) => t.unitId).filter((x): x is string => !!x))];
    const units = unitIds.length ? await this.tx.manager.find(UnitEntity, { where: { id: In(unitIds) } }) : [];
    const unitName = new Map(units.map((u) => [u.id, u.name]));

    const totals = zero();
    const byPerson = new Map<
      string,
      Counts & { userId: string | null; fullName: string | null; unitId: string | null }
    >();
    const byUnit = new Map<string, Counts & { unitId: string | null; name: string | null }>();
    const tasks = rows.map((t) => {
      const status = this.status(t, now, soonLimit);
      const pk = t.assigneeId ?? '';
      const person = byPerson.get(pk) ?? {
        userId: t.assigneeId,
        fullName: t.assigneeId ? (names.get(t.assigneeId) ?? null) : null,
        unitId: t.unitId,
        ...zero(),
      };
      const uk = t.unitId ?? '';
      const unit = byUnit.get(uk) ?? {
        unitId: t.unitId,
        name: t.unitId ? (unitName.get(t.unitId) ?? null) : null,
        ...zero(),
      };
      for (const c of [totals, person, unit]) {
        c[status]++;
        c.total++;
      }
      byPerson.set(pk, person);
      byUnit.set(uk, unit);
      const row = {
        id: t.id,
        name: t.name,
        subject: t.subject,
        processInstanceId: t.processInstanceId,
        businessKey: t.businessKey,
        assigneeId: t.assigneeId,
        assigneeName: t.assigneeId ? (names.get(t.assigneeId) ?? null) : null,
        unitId: t.unitId,
        unitName: t.unitId ? (unitName.get(t.unitId) ?? null) : null,
        dueAt: t.dueAt?.toISOString() ?? null,
        createdAt: t.createdAt.toISOString(),
        urgency: t.urgency,
        status,
      };
      return secret.has(t.id) ? redacted(row) : row;
    });
    const byLate = (a: Counts, b: Counts) => b.late - a.late || b.dueSoon - a.dueSoon || b.total - a.total;
    return {
      generatedAt: now.toISOString(),
      dueSoonUntil: soonLimit.toISOString(),
      totals,
      byPerson: [...byPerson.values()].sort(byLate),
      byUnit: [...byUnit.values()].sort(byLate),
      tasks,
    };
  }
}
