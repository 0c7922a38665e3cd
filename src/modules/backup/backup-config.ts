import { join, resolve } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { ConfigError, type AppConfig } from '../../config/app-config.js';
import { BackupCipher } from './backup-format.js';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

class BackupEnvironment {
  @IsOptional()
  @IsString()
  BACKUP_DIR?: string;

  /** The separate copy (records rules: two copies on separate media). */
  @IsOptional()
  @IsString()
  BACKUP_COPY_DIR?: string;

  /** Daily time (business time zone) of the scheduled backup, `HH:MM`; `off` or unset: none. */
  @IsOptional()
  @Matches(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, {
    message: 'BACKUP_SCHEDULE must be HH:MM (daily, business time) or off',
  })
  BACKUP_SCHEDULE?: string;

  /** A scheduled backup is full when the last full one is this many days old, incremental otherwise. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(366)
  BACKUP_FULL_EVERY_DAYS?: number;

  /** Full backups kept, each with its incrementals; older chains are removed from both directories. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  BACKUP_KEEP?: number;

  @IsOptional()
  @IsString()
  BACKUP_ENCRYPTION_KEY?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  BACKUP_RETRIES?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 3600)
  BACKUP_RETRY_SECONDS?: number;
}

export interface BackupConfig {
  dir: string;
  copyDir: string | null;
  /** Minutes after midnight (business time) of the daily run, null = no schedule. */
  scheduleMinute: number | null;
  fullEveryDays: number;
  keep: number;
  key: Buffer | null;
  retries: number;
  retrySeconds: number;
}

export const BACKUP_CONFIG = Symbol('BACKUP_CONFIG');

/** Reads BACKUP_* (validated like the rest of the configuration: a wrong value stops the start, exit 78). */
export function loadBackupConfig(app: Pick<AppConfig, 'dataDir'>, env: NodeJS.ProcessEnv = process.env): BackupConfig {
  const raw = plainToInstance(BackupEnvironment, { ...env });
  const problems = validateSync(raw).flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`),
  );
  let key: Buffer | null = null;
  if (raw.BACKUP_ENCRYPTION_KEY) {
    key = BackupCipher.parseKey(raw.BACKUP_ENCRYPTION_KEY);
    if (!key) problems.push('BACKUP_ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or base64');
  }
  if (problems.length) throw new ConfigError(problems);
  const schedule = raw.BACKUP_SCHEDULE && raw.BACKUP_SCHEDULE !== 'off' ? raw.BACKUP_SCHEDULE : null;
  return {
    dir: resolve(raw.BACKUP_DIR ?? join(app.dataDir, 'backups')),
    copyDir: raw.BACKUP_COPY_DIR ? resolve(raw.BACKUP_COPY_DIR) : null,
    scheduleMinute: schedule ? Number(schedule.slice(0, 2)) * 60 + Number(schedule.slice(3)) : null,
    fullEveryDays: raw.BACKUP_FULL_EVERY_DAYS ?? 30,
    keep: raw.BACKUP_KEEP ?? 3,
    key,
    retries: raw.BACKUP_RETRIES ?? 3,
    retrySeconds: raw.BACKUP_RETRY_SECONDS ?? 600,
  };
}
