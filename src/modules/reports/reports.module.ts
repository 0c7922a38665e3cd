import { Module } from '@nestjs/common';
import { DossiersModule } from '../dossiers/dossiers.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/** Leaders' statistics; dossier counts come from the dossiers module's exported DossierStatsService. */
@Module({
  imports: [DossiersModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
