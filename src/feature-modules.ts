import type { Type } from '@nestjs/common';
import { BackupModule } from './modules/backup/backup.module.js';
import { DigitizationModule } from './modules/digitization/digitization.module.js';
import { DocumentsModule } from './modules/documents/documents.module.js';
import { ExchangeModule } from './modules/exchange/exchange.module.js';
import { DossiersModule } from './modules/dossiers/dossiers.module.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { RegistersModule } from './modules/registers/registers.module.js';
import { ReportsModule } from './modules/reports/reports.module.js';
import { SearchModule } from './modules/search/search.module.js';
import { SigningModule } from './modules/signing/signing.module.js';
import { StorageModule } from './modules/storage/storage.module.js';
import { TasksModule } from './modules/tasks/tasks.module.js';
import { WorkflowModule } from './modules/workflow/workflow.module.js';

/** Domain modules beyond the platform core, each owning its folder under src/modules/. */
export const FEATURE_MODULES: Type<unknown>[] = [
  StorageModule,
  NotificationsModule,
  WorkflowModule,
  TasksModule,
  SigningModule,
  RegistersModule,
  DocumentsModule,
  DossiersModule,
  ExchangeModule,
  ReportsModule,
  BackupModule,
  DigitizationModule,
  SearchModule,
];
