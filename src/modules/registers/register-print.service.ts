import { Injectable } from '@nestjs/common';
import { TransactionService } from '../../database/transaction.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { AgencyEntity } from '../organizations/index.js';
import { registerCsv, registerPdf, registerXlsx, type RegisterPrintout } from './register-export.js';
import { RegistersService } from './registers.service.js';
import { ExpensiveWork } from '../../common/expensive-work.js';

const MEDIA = {
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

@Injectable()
export class RegisterPrintService {
  constructor(
    private readonly registers: RegistersService,
    private readonly tx: TransactionService,
  ) {}

  async export(user: AuthUser, id: string, format: keyof typeof MEDIA, from?: string, to?: string) {
    const { register, columns, items } = await this.registers.entries(user, id, from, to);
    const agency = await this.tx.manager.findOne(AgencyEntity, { where: { id: user.agencyId } });
    const period =
      from || to
        ? `từ ${from ? from.split('-').reverse().join('/') : '…'} đến ${to ? to.split('-').reverse().join('/') : '…'}`
        : `năm ${register.year}`;
    const printout: RegisterPrintout = {
      agencyName: agency?.name ?? '',
      direction: register.direction,
      registerName: register.name,
      year: register.year,
      periodText: period,
      columns,
      rows: items.map((i) => ({ ...i.columns })),
    };
    // a year's register is thousands of rows: built under the expensive-work limit (503 past it)
    const content = await ExpensiveWork.run(async () =>
      format === 'csv'
        ? registerCsv(printout)
        : format === 'xlsx'
          ? await registerXlsx(printout)
          : await registerPdf(printout),
    );
    return {
      content,
      mediaType: MEDIA[format],
      fileName: `so-${register.direction}-${register.series.replace(/[^a-z0-9]+/gi, '-')}-${register.year}.${format}`,
    };
  }
}
