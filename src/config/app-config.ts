import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import { loadExchangeConfig, type ExchangeConfig } from './exchange-config.js';
import { loadBackupConfig, type BackupConfig } from '../modules/backup/backup-config.js';
import {
  digitizationConfig,
  DigitizationConfigError,
  type DigitizationConfig,
} from '../modules/digitization/digitization-config.js';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** Raw environment, validated with class-validator before anything else starts. */
export class EnvironmentVariables {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @Matches(/^(sqlite:|mysql:\/\/|mariadb:\/\/)/, {
    message: 'DATABASE_URL must start with sqlite: or mysql:// (e.g. mysql://user:pass@host:3306/db)',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  STORAGE_DIR?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  JWT_TTL_SECONDS?: number;

  @IsOptional()
  @Matches(/^smtps?:\/\//, { message: 'SMTP_URL must look like smtp://host:port' })
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  MAIL_FROM?: string;

  @IsOptional()
  @IsIn(['embedded', 'zeebe'], { message: 'WORKFLOW_ENGINE must be embedded or zeebe' })
  WORKFLOW_ENGINE?: 'embedded' | 'zeebe';

  @IsOptional()
  @IsString()
  BUSINESS_TIMEZONE?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  SEED_DEMO?: boolean;

  @IsOptional()
  @IsString()
  @MinLength(6)
  DEMO_PASSWORD?: string;

  @IsOptional()
  @IsString()
  HOSO_ADMIN_USERNAME?: string;

  @IsOptional()
  @IsString()
  @MinLength(10, { message: 'HOSO_ADMIN_PASSWORD must be at least 10 characters' })
  HOSO_ADMIN_PASSWORD?: string;

  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_ATTEMPTS?: number;

  /**
   * Proxies whose X-Forwarded-For is believed (login throttling keys on the client it names): `loopback`,
   * `linklocal`, `uniquelocal`, IP addresses or CIDR ranges, comma-separated. Unset: none, the socket address.
   */
  @IsOptional()
  @Matches(
    /^\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?))*\s*$/,
    {
      message: 'TRUST_PROXY must be loopback, linklocal, uniquelocal, IP addresses or CIDR ranges, comma-separated',
    },
  )
  TRUST_PROXY?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1024)
  UPLOAD_MAX_MB?: number;

  /** A number, or `auto`: one per CPU (the container image's default, as `npm start`). */
  @IsOptional()
  @Transform(({ value }) => (value === 'auto' ? availableParallelism() : toInt({ value })))
  @IsInt()
  @Min(1)
  @Max(64)
  HTTP_WORKERS?: number;

  /** V8 old-space limit of each HTTP worker in a cluster, MB (0 = V8's own, ~4 GB on a large machine). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65536)
  HTTP_WORKER_HEAP_MB?: number;

  /** Heap growth of each HTTP worker in a cluster between full collections, % of what was live (0 = V8's own: up to 300). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  HTTP_WORKER_HEAP_GROWTH?: number;

  /** Young-generation semi-space of each HTTP worker in a cluster, MB (0 = V8's own, 16). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1024)
  HTTP_WORKER_SEMI_SPACE_MB?: number;

  /** Connections per app process to MySQL/MariaDB (each HTTP worker has its own pool). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(500)
  DATABASE_POOL_SIZE?: number;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  HOSO_BACKGROUND_WORK?: boolean;

  @IsOptional()
  @IsString()
  TSA_URL?: string;

  /** A cluster worker whose event loop does not turn for this long is killed and replaced (seconds). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(3600)
  HTTP_WORKER_HANG_SECONDS?: number;

  /** Shortest timer duration or cycle period a deployment may hold (seconds). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  TIMER_MIN_INTERVAL_SECONDS?: number;

  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+[^/\s]$/, {
    message: 'PUBLIC_URL must look like https://hoso.example.gov.vn (no trailing /)',
  })
  PUBLIC_URL?: string;

  @IsOptional()
  @IsString()
  PUBLIC_HOLIDAYS?: string;
}

/** MySQL/MariaDB connections per app process when DATABASE_POOL_SIZE is not set. */
export const DEFAULT_POOL_SIZE = 20;
/** HTTP workers' heap growth and young generation when not set (config/worker-flags.ts). */
export const DEFAULT_HEAP_GROWTH_PERCENT = 100;
export const DEFAULT_SEMI_SPACE_MB = 8;

export interface AppConfig {
  port: number;
  dataDir: string;
  database:
    { type: 'sqlite'; path: string } | { type: 'mysql'; url: string; flavor: 'mysql' | 'mariadb'; poolSize?: number };
  storageDir: string;
  jwtSecret: string;
  jwtTtlSeconds: number;
  smtpUrl?: string;
  mailFrom: string;
  workflowEngine: 'embedded' | 'zeebe';
  timezone: string;
  seedDemo: boolean;
  demoPassword: string;
  admin?: { username: string; password: string };
  production: boolean;
  loginMaxAttempts: number;
  /** Trusted proxies (express `trust proxy` list), or false: X-Forwarded-For is ignored. */
  trustProxy: string[] | false;
  uploadMaxBytes: number;
  /** HTTP worker processes (node:cluster) started by main.ts; 1 = no cluster. */
  httpWorkers: number;
  /**
   * Old-space limit of each HTTP worker (MB; 0, the default = V8's own, ~4 GB here). V8 sizes its heap growth by
   * the limit: at 512 a worker completing tasks stays ~270 MB instead of ~400, but collects so often that task
   * completions at 100 users miss their p99 target and reads hold it for ~40 % fewer users (bench/README.md); for
   * a machine short of memory, not the default.
   */
  httpWorkerHeapMb: number;
  /**
   * How far each HTTP worker's heap grows between full collections, % of what was live after the last one (default
   * 100; 0 = V8's own, which lets it grow to 4×). See config/worker-flags.ts for the measured trade.
   */
  httpWorkerHeapGrowthPercent: number;
  /** Young-generation semi-space of each HTTP worker, MB (default 8; 0 = V8's own, 16). */
  httpWorkerSemiSpaceMb: number;
  /**
   * Timers and recovery (engine scheduler, instance recovery, mail outbox retries, deadline mails) run in this
   * process. The cluster primary sets it to false in every HTTP worker but the first.
   */
  backgroundWork: boolean;
  tsaUrl?: string;
  /**
   * Shortest timer duration or cycle period, ms (TIMER_MIN_INTERVAL_SECONDS, default 60): shorter literal values
   * are refused at deploy, shorter computed ones stretched to it.
   */
  timerMinIntervalMs: number;
  /** HTTP_WORKER_HANG_SECONDS (default 30), ms: the cluster primary's hang watchdog (main.ts). */
  workerHangMs: number;
  /** Base URL others reach this server at: named in certificates (CRL, OCSP). */
  publicUrl: string;
  /** Public holidays (yyyy-MM-dd) skipped when counting working days. */
  publicHolidays: string[];
  exchange: ExchangeConfig;
  /** BACKUP_* (modules/backup/backup-config.ts). */
  backup: BackupConfig;
  /** OCR, consume folders and the digitization queue (modules/digitization/digitization-config.ts). */
  digitization: DigitizationConfig;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

// Vietnamese public holidays (solar calendar part); lunar holidays vary by year and are configured by PUBLIC_HOLIDAYS.
const DEFAULT_HOLIDAYS = ['01-01', '04-30', '05-01', '09-02'];

/** Reads and validates the environment. Throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = plainToInstance(EnvironmentVariables, { ...env }, { excludeExtraneousValues: false });
  const errors = validateSync(raw, { skipMissingProperties: false, whitelist: false });
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));
  const timezone = raw.BUSINESS_TIMEZONE ?? 'Asia/Ho_Chi_Minh';
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    problems.push(`BUSINESS_TIMEZONE: unknown time zone "${timezone}"`);
  }
  const holidays = (raw.PUBLIC_HOLIDAYS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const h of holidays)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(h)) problems.push(`PUBLIC_HOLIDAYS: "${h}" is not yyyy-MM-dd`);
  if (raw.HOSO_ADMIN_USERNAME && !raw.HOSO_ADMIN_PASSWORD)
    problems.push('HOSO_ADMIN_PASSWORD is required with HOSO_ADMIN_USERNAME');
  const exchange = loadExchangeConfig(env, problems);
  let digitization: DigitizationConfig | undefined;
  try {
    digitization = digitizationConfig(env);
  } catch (e) {
    problems.push(...(e as DigitizationConfigError).problems);
  }
  if (problems.length) throw new ConfigError(problems);

  const dataDir = resolve(raw.DATA_DIR ?? './data');
  mkdirSync(dataDir, { recursive: true });
  const production = raw.NODE_ENV === 'production';
  const dbUrl = raw.DATABASE_URL;
  let database: AppConfig['database'];
  if (!dbUrl) database = { type: 'sqlite', path: join(dataDir, 'hoso.sqlite') };
  else if (dbUrl.startsWith('sqlite:')) {
    const p = dbUrl.slice('sqlite:'.length).replace(/^\/\//, '');
    database = { type: 'sqlite', path: p === ':memory:' ? p : isAbsolute(p) ? p : resolve(p) };
  } else
    database = {
      type: 'mysql',
      url: dbUrl.replace(/^mariadb:/, 'mysql:'),
      flavor: dbUrl.startsWith('mariadb:') ? 'mariadb' : 'mysql',
      poolSize: raw.DATABASE_POOL_SIZE ?? DEFAULT_POOL_SIZE,
    };

  const year = new Date().getFullYear();
  return {
    port: raw.PORT ?? 3000,
    dataDir,
    database,
    storageDir: resolve(raw.STORAGE_DIR ?? join(dataDir, 'files')),
    jwtSecret: raw.JWT_SECRET ?? readOrCreateSecret(join(dataDir, 'jwt-secret')),
    jwtTtlSeconds: raw.JWT_TTL_SECONDS ?? 8 * 3600,
    smtpUrl: raw.SMTP_URL,
    mailFrom: raw.MAIL_FROM ?? 'hoso <no-reply@hoso.local>',
    workflowEngine: raw.WORKFLOW_ENGINE ?? 'embedded',
    timezone,
    seedDemo: raw.SEED_DEMO ?? !production,
    demoPassword: raw.DEMO_PASSWORD ?? 'hoso-demo',
    admin: raw.HOSO_ADMIN_USERNAME
      ? { username: raw.HOSO_ADMIN_USERNAME, password: raw.HOSO_ADMIN_PASSWORD! }
      : undefined,
    production,
    loginMaxAttempts: raw.LOGIN_MAX_ATTEMPTS ?? 5,
    trustProxy: raw.TRUST_PROXY
      ? raw.TRUST_PROXY.split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : false,
    uploadMaxBytes: (raw.UPLOAD_MAX_MB ?? 25) * 1024 * 1024,
    httpWorkers: raw.HTTP_WORKERS ?? 1,
    httpWorkerHeapMb: raw.HTTP_WORKER_HEAP_MB ?? 0,
    httpWorkerHeapGrowthPercent: raw.HTTP_WORKER_HEAP_GROWTH ?? DEFAULT_HEAP_GROWTH_PERCENT,
    httpWorkerSemiSpaceMb: raw.HTTP_WORKER_SEMI_SPACE_MB ?? DEFAULT_SEMI_SPACE_MB,
    backgroundWork: raw.HOSO_BACKGROUND_WORK ?? true,
    tsaUrl: raw.TSA_URL,
    timerMinIntervalMs: (raw.TIMER_MIN_INTERVAL_SECONDS ?? 60) * 1000,
    workerHangMs: (raw.HTTP_WORKER_HANG_SECONDS ?? 30) * 1000,
    exchange,
    backup: loadBackupConfig({ dataDir }, env),
    digitization: digitization!,
    publicUrl: raw.PUBLIC_URL ?? `http://localhost:${raw.PORT ?? 3000}`,
    publicHolidays: [
      ...holidays,
      ...[year - 1, year, year + 1].flatMap((y) => DEFAULT_HOLIDAYS.map((d) => `${y}-${d}`)),
    ],
  };
}

/** The JWT secret is generated once per installation and kept in DATA_DIR, never a constant in the code. */
function readOrCreateSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return readFileSync(file, 'utf8').trim(); // another process created it first
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * MySQL and MariaDB report column metadata differently; TypeORM needs to know which one it talks to or it sees
 * schema differences that are not there. The server is asked once at start.
 */
export async function detectDatabaseFlavor(config: AppConfig): Promise<AppConfig> {
  if (config.database.type !== 'mysql') return config;
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection({ uri: config.database.url, connectTimeout: 10000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    const version = String((rows as { v: string }[])[0]?.v ?? '');
    config.database.flavor = /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
  return config;
}
