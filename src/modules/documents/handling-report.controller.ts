import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TransactionService } from '../../database/transaction.service.js';
import { CurrentUser, RequirePermission, type AuthUser } from '../auth/index.js';
import { Directory } from './directory.js';
import { HandlingReportQuery } from './dto/handling-report.dto.js';
import { followUpPdf, followUpXlsx, handlingReportPdf, handlingReportXlsx } from './handling-report.export.js';
import { HandlingReportService } from './handling-report.service.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('reports')
@Controller('api/reports')
export class HandlingReportController {
  constructor(
    private readonly reports: HandlingReportService,
    private readonly directory: Directory,
    private readonly tx: TransactionService,
  ) {}

  private async send(
    res: Response,
    user: AuthUser,
    format: string | undefined,
    name: string,
    data: object,
    files: {
      pdf: (agency: string) => Promise<Buffer>;
      xlsx: (agency: string) => Promise<Buffer>;
    },
  ) {
    if (!format || format === 'json') {
      res.json(data);
      return;
    }
    const agency = (await this.directory.agency(this.tx.manager, user.agencyId))?.name ?? '';
    const body = await files[format as 'pdf' | 'xlsx'](agency);
    res.setHeader('Content-Type', format === 'pdf' ? 'application/pdf' : XLSX);
    res.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
    res.send(body);
  }

  /** Handled on time, late, still open, per unit and per person (appendix VI: handling reports). */
  @RequirePermission('reports.read')
  @Get('handling')
  @ApiProduces('application/json', 'application/pdf', XLSX)
  async handling(@CurrentUser() user: AuthUser, @Query() q: HandlingReportQuery, @Res() res: Response) {
    const r = await this.reports.report(user, q);
    await this.send(res, user, q.format, `bao-cao-giai-quyet-${r.direction}-${r.from}-${r.to}`, r, {
      pdf: (a) => handlingReportPdf(r, a),
      xlsx: (a) => handlingReportXlsx(r, a),
    });
  }

  /** The follow-up register of incoming documents (appendix IV), kept by clerks, read by leaders. */
  @RequirePermission('registers.read')
  @Get('incoming-follow-up')
  @ApiProduces('application/json', 'application/pdf', XLSX)
  async followUp(@CurrentUser() user: AuthUser, @Query() q: HandlingReportQuery, @Res() res: Response) {
    const f = await this.reports.followUp(user, q);
    await this.send(res, user, q.format, `so-theo-doi-van-ban-den-${f.from}-${f.to}`, f, {
      pdf: (a) => followUpPdf(f, a),
      xlsx: (a) => followUpXlsx(f, a),
    });
  }
}
