import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { businessYear, endOfLocalDay } from '../../common/business-time.js';
import { IdGenerator } from '../../common/clock.js';
import { badRequest, notFound } from '../../common/domain-error.js';
import { registerMessages } from '../../common/messages.js';
import { TransactionService } from '../../database/transaction.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { PolicyService } from '../auth/policy.service.js';
import { formatNumber, registerColumns, seriesName } from './register-layouts.js';
import { RegisterEntity, RegisterEntryEntity, type RegisterDirection } from './register.entity.js';

registerMessages({
  REGISTER_BAD_RANGE: {
    vi: 'Khoảng thời gian không hợp lệ (định dạng yyyy-MM-dd, "từ ngày" không sau "đến ngày").',
    en: 'Invalid date range (yyyy-MM-dd, "from" not after "to").',
  },
});

export interface TakeNumberInput {
  agencyId: string;
  direction: RegisterDirection;
  series: string;
  documentId: string;
  /** The issue or arrival instant; its year in the business time zone picks the register. */
  at: Date;
  columns: Record<string, string>;
}

export interface TakenNumber {
  registerId: string;
  entryId: string;
  year: number;
  number: number;
  /** "01", "02", … "10". */
  numberText: string;
}

export interface RegisterView {
  id: string;
  direction: RegisterDirection;
  series: string;
  year: number;
  name: string;
  lastNumber: number;
}

export interface RegisterEntryView {
  number: number;
  numberText: string;
  documentId: string;
  entryDate: string;
  columns: Record<string, string>;
}

@Injectable()
export class RegistersService {
  constructor(
    private readonly tx: TransactionService,
    private readonly policy: PolicyService,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Takes the next number of the series and writes the register entry, inside the caller's transaction
   * (Decree 30/2020, art. 15: unique, sequential, restarting on 1 January). The register row is the counter:
   * it is locked (FOR UPDATE on MySQL; SQLite transactions are serialised), so a rolled-back issuance gives
   * its number back and concurrent issuances never share one. The unique index on (agency, register, year,
   * number) is the last line of defence.
   */
  async takeNumber(m: EntityManager, input: TakeNumberInput): Promise<TakenNumber> {
    if (!m.queryRunner?.isTransactionActive && !this.tx.inTransaction)
      throw new Error('takeNumber must run inside the issuing transaction');
    const year = businessYear(input.at, this.config.timezone);
    const register = await this.lockRegister(m, input, year);
    const number = register.lastNumber + 1;
    await m.update(RegisterEntity, { id: register.id }, { lastNumber: number });
    const entryId = this.ids.next();
    await m.insert(RegisterEntryEntity, {
      id: entryId,
      agencyId: input.agencyId,
      registerId: register.id,
      year,
      number,
      documentId: input.documentId,
      entryDate: input.at,
      columns: input.columns,
    });
    return { registerId: register.id, entryId, year, number, numberText: formatNumber(number) };
  }

  /** Fills in columns known only later (receiver after direction, sent date after issuance). */
  async updateEntry(m: EntityManager, documentId: string, patch: Record<string, string>): Promise<void> {
    const entries = await m.find(RegisterEntryEntity, { where: { documentId } });
    for (const e of entries) {
      await m.update(RegisterEntryEntity, { id: e.id }, { columns: { ...e.columns, ...patch } } as never);
    }
  }

  private async lockRegister(m: EntityManager, input: TakeNumberInput, year: number): Promise<RegisterEntity> {
    const { agencyId, direction, series } = input;
    const find = () => {
      const qb = m
        .getRepository(RegisterEntity)
        .createQueryBuilder('r')
        .where('r.agency_id = :agencyId AND r.series = :series AND r.year = :year', { agencyId, series, year });
      if (!this.tx.isSqlite) qb.setLock('pessimistic_write');
      return qb.getOne();
    };
    const found = await find();
    if (found) return found;
    const row = {
      id: this.ids.next(),
      agencyId,
      direction,
      series,
      year,
      name: seriesName(series, year),
      lastNumber: 0,
      createdAt: input.at,
    };
    if (this.tx.isSqlite) {
      await m.insert(RegisterEntity, row); // SQLite: this transaction is the only writer
    } else {
      // MySQL: concurrent first issuances of a year race to open the register. ON DUPLICATE KEY UPDATE makes
      // the losers wait for an exclusive lock on the winner's row (a plain insert would leave them holding
      // shared locks that deadlock on the FOR UPDATE below).
      await m.query(
        'INSERT INTO `register` (`id`, `agency_id`, `direction`, `series`, `year`, `name`, `last_number`, `created_at`) ' +
          'VALUES (?, ?, ?, ?, ?, ?, 0, ?) ON DUPLICATE KEY UPDATE `last_number` = `last_number`',
        [row.id, agencyId, direction, series, year, row.name, input.at],
      );
    }
    return (await find())!;
  }

  async list(user: AuthUser, q: { year?: number; direction?: RegisterDirection }): Promise<RegisterView[]> {
    const where: Record<string, unknown> = { agencyId: user.agencyId };
    if (q.year) where.year = q.year;
    if (q.direction) where.direction = q.direction;
    const rows = await this.tx.manager.find(RegisterEntity, { where, order: { year: 'DESC', series: 'ASC' } });
    return rows.filter((r) => this.maySee(user, r)).map((r) => this.view(r));
  }

  async get(user: AuthUser, id: string): Promise<RegisterEntity> {
    const r = await this.tx.manager.findOne(RegisterEntity, { where: { id } });
    if (!r || r.agencyId !== user.agencyId || !this.maySee(user, r)) throw notFound('register', id);
    return r;
  }

  async entries(user: AuthUser, id: string, from?: string, to?: string) {
    const register = await this.get(user, id);
    const range = this.range(from, to);
    const qb = this.tx.manager
      .getRepository(RegisterEntryEntity)
      .createQueryBuilder('e')
      .where('e.register_id = :id', { id })
      .orderBy('e.number', 'ASC');
    if (range.from) qb.andWhere('e.entry_date >= :from', { from: range.from });
    if (range.to) qb.andWhere('e.entry_date < :to', { to: range.to });
    const rows = await qb.getMany();
    const items: RegisterEntryView[] = rows.map((e) => ({
      number: e.number,
      numberText: formatNumber(e.number),
      documentId: e.documentId,
      entryDate: e.entryDate.toISOString(),
      columns: e.columns,
    }));
    return { register: this.view(register), columns: registerColumns(register.direction), items };
  }

  /** Secret series are shown to leaders and clerks only (Decree 30/2020, art. 16.3, 22.4). */
  private maySee(user: AuthUser, r: RegisterEntity): boolean {
    if (!r.series.includes('secret')) return true;
    return ['leader', 'deputy-leader', 'clerk'].some((role) =>
      this.policy.hasRole(user, role as never, { agencyId: r.agencyId }),
    );
  }

  private range(from?: string, to?: string): { from?: Date; to?: Date } {
    const parse = (s: string | undefined, nextDay: boolean) => {
      if (!s) return undefined;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`)))
        throw badRequest('REGISTER_BAD_RANGE');
      const d = new Date(`${s}T12:00:00Z`);
      const startOfDay = endOfLocalDay(d, this.config.timezone, 0);
      return nextDay ? new Date(startOfDay.getTime() + 24 * 3600 * 1000) : startOfDay;
    };
    const r = { from: parse(from, false), to: parse(to, true) };
    if (r.from && r.to && r.from >= r.to) throw badRequest('REGISTER_BAD_RANGE');
    return r;
  }

  private view(r: RegisterEntity): RegisterView {
    return {
      id: r.id,
      direction: r.direction,
      series: r.series,
      year: r.year,
      name: r.name,
      lastNumber: r.lastNumber,
    };
  }
}
