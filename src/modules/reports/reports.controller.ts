import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, RequirePermission, type AuthUser } from '../auth/index.js';
import { DossierReportQuery } from './dto/dossier-report.dto.js';
import { ReportsService } from './reports.service.js';

@ApiTags('reports')
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @RequirePermission('reports.read')
  @Get('dossiers')
  async dossiers(@CurrentUser() user: AuthUser, @Query() q: DossierReportQuery, @Res() res: Response) {
    const report = await this.reports.dossiers(user, q);
    if (q.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="thong-ke-ho-so-${report.year}.csv"`);
      res.send(this.reports.toCsv(report));
      return;
    }
    res.json(report);
  }
}
