export { BackupModule } from './backup.module.js';
export { BackupService } from './backup.service.js';
export type { BackupStatus } from './backup-status.js';
export { takeBackup, type BackupResult } from './backup-writer.js';
export { restoreBackup, type RestoreReport } from './restore.js';
export { loadBackupConfig, type BackupConfig } from './backup-config.js';
