export { BackupModule } from './backup.module.js';
export { BackupService, type BackupStatus } from './backup.service.js';
export { takeBackup, type BackupResult } from './backup-writer.js';
export { restoreBackup, type RestoreReport } from './restore.js';
export { loadBackupConfig, type BackupConfig } from './backup-config.js';
