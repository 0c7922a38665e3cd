import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { NotificationsModule } from '../notifications/index.js';
import { BACKUP_CONFIG } from './backup-config.js';
import { BackupController } from './backup.controller.js';
import { BackupService } from './backup.service.js';

@Module({
  imports: [NotificationsModule],
  controllers: [BackupController],
  providers: [
    { provide: BACKUP_CONFIG, inject: [APP_CONFIG], useFactory: (app: AppConfig) => app.backup },
    BackupService,
  ],
  exports: [BackupService],
})
export class BackupModule {}
