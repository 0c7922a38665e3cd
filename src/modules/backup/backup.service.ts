import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/clock.js';
import { conflict, forbidden } from '../../common/domain-error.js';
import { Periodic } from '../../common/periodic.js';
import { localIsoDate, zoneOffsetMs } from '../../common/business-time.js';
import type { AuthUser } from '../auth/auth-user.js';
import { PolicyService } from '../auth/policy.service.js';
import { NotificationsService } from '../notifications/index.js';
import { AgencyEntity, RoleAssignmentEntity, UserEntity } from '../organizations/index.js';
import { BACKUP_CONFIG, type BackupConfig } from './backup-config.js';
import { listBackups } from './backup-catalog.js';
import type { BackupKind } from './backup-format.js';
import { takeBackup } from './backup-writer.js';

export interface BackupStatus {
  state: 'running' | 'ok' | 'failed';
  kind: BackupKind;
  trigger: 'schedule' | 'admin' | 'retry';
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  id?: string;
  sizeBytes?: number;
  newContentBytes?: number;
  attempt: number;
  error?: string;
  /** Business date of the last scheduled run (one a day). */
  scheduledOn?: string;
}

const STATUS = 'status.json';
const LOCK = '.lock';
/** A lock older than this is left by a crashed process. */
const STALE_LOCK_MS = 12 * 3600_000;

/**
 * Backups in the running server: the daily schedule (BACKUP_SCHEDULE, in the process that does the background
 * work), a run an installation administrator asks for, retries of a failed run (BACKUP_RETRIES every
 * BACKUP_RETRY_SECONDS) and a mail to the administrators when the last retry fails too. The last result lives in
 * BACKUP_DIR/status.json, beside the backups, so every HTTP worker and `npm run backup` see the same one; a lock
 * file there keeps two runs from overlapping.
 */
@Injectable()
export class BackupService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Backup');
  private readonly periodic = new Periodic(() => this.tick(), this.logger);
  private running: Promise<void> | null = null;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly app: AppConfig,
    @Inject(BACKUP_CONFIG) readonly config: BackupConfig,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly policy: PolicyService,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit(): void {
    if (this.config.scheduleMinute !== null && this.app.backgroundWork) this.periodic.start(60_000);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.periodic.stop();
    await this.running?.catch(() => undefined);
  }

  /** Backups hold every agency's records: only an administrator of every agency may take or see them. */
  async assertInstallationAdmin(user: AuthUser): Promise<void> {
    const manageable = new Set(await this.policy.manageableAgencyIds(user));
    const all = await this.dataSource.getRepository(AgencyEntity).find({ select: { id: true } });
    if (!manageable.size || all.some((a) => !manageable.has(a.id))) throw forbidden('BACKUP_FORBIDDEN');
  }

  async status(): Promise<BackupStatus | null> {
    return readFile(join(this.config.dir, STATUS), 'utf8')
      .then((s) => JSON.parse(s) as BackupStatus)
      .catch(() => null);
  }

  async overview() {
    const backups = await listBackups(this.config.dir);
    return {
      last: await this.status(),
      settings: {
        dir: this.config.dir,
        copyDir: this.config.copyDir,
        schedule:
          this.config.scheduleMinute === null
            ? null
            : `${String(Math.floor(this.config.scheduleMinute / 60)).padStart(2, '0')}:${String(this.config.scheduleMinute % 60).padStart(2, '0')}`,
        fullEveryDays: this.config.fullEveryDays,
        keep: this.config.keep,
        encrypted: !!this.config.key,
      },
      backups: backups.reverse().map((m) => ({
        id: m.id,
        kind: m.kind,
        parent: m.parent,
        createdAt: m.createdAt,
        durationMs: m.durationMs,
        sizeBytes: m.parts.reduce((n, p) => n + p.size, 0),
        contentObjects: m.contentObjects,
        encrypted: m.encrypted,
      })),
    };
  }

  /** Starts a run in the background (the admin sees its progress in the status); 409 while one is running. */
  async start(kind: BackupKind, trigger: BackupStatus['trigger']): Promise<BackupStatus> {
    if (this.running || !(await this.lock())) throw conflict('BACKUP_RUNNING');
    const status: BackupStatus = {
      state: 'running',
      kind,
      trigger,
      startedAt: this.clock.now().toISOString(),
      attempt: 1,
    };
    const previous = await this.status();
    if (trigger === 'schedule') status.scheduledOn = localIsoDate(this.clock.now(), this.app.timezone);
    else if (previous?.scheduledOn) status.scheduledOn = previous.scheduledOn;
    await this.writeStatus(status);
    this.running = this.attempt(status).finally(() => (this.running = null));
    return status;
  }

  /** Resolves when the run in progress (if any) has ended. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async attempt(status: BackupStatus): Promise<void> {
    const t0 = Date.now();
    try {
      const r = await takeBackup({
        app: this.app,
        backup: this.config,
        kind: status.kind,
        dataSource: this.app.database.type === 'mysql' ? this.dataSource : undefined,
        now: () => this.clock.now(),
      });
      Object.assign(status, {
        state: 'ok',
        id: r.manifest.id,
        kind: r.manifest.kind,
        sizeBytes: r.size,
        newContentBytes: r.contentNewBytes,
        error: undefined,
      });
      this.logger.log(`backup ${r.manifest.id}: ${r.size} bytes in ${Date.now() - t0} ms`);
    } catch (e) {
      status.state = 'failed';
      status.error = (e as Error).message.slice(0, 500);
      this.logger.error(`backup failed (attempt ${status.attempt}): ${status.error}`);
    }
    status.finishedAt = this.clock.now().toISOString();
    status.durationMs = Date.now() - t0;
    await this.writeStatus(status).catch((e) => this.logger.error(e));
    await this.unlock();
    if (status.state === 'failed') {
      if (status.attempt <= this.config.retries) {
        this.retryTimer = setTimeout(() => {
          void this.retry(status).catch((e) => this.logger.error(e));
        }, this.config.retrySeconds * 1000);
        this.retryTimer.unref();
      } else await this.mailAdministrators(status);
    }
  }

  private async retry(previous: BackupStatus): Promise<void> {
    if (this.running || !(await this.lock())) return;
    const status: BackupStatus = {
      ...previous,
      state: 'running',
      trigger: 'retry',
      attempt: previous.attempt + 1,
      startedAt: this.clock.now().toISOString(),
      finishedAt: undefined,
    };
    await this.writeStatus(status);
    this.running = this.attempt(status).finally(() => (this.running = null));
  }

  /** Every administrator of a top agency (whole tree) with an address, through the mail outbox. */
  private async mailAdministrators(status: BackupStatus): Promise<void> {
    const m = this.dataSource.manager;
    const tops = (await m.find(AgencyEntity, { select: { id: true, parentId: true } })).filter((a) => !a.parentId);
    const grants = await m.find(RoleAssignmentEntity, { where: { role: 'admin', includeDescendants: true } });
    const ids = [...new Set(grants.filter((g) => tops.some((a) => a.id === g.agencyId)).map((g) => g.userId))];
    const users = ids.length ? await m.findBy(UserEntity, { id: In(ids) }) : [];
    for (const u of users) {
      await this.notifications.enqueue({
        userId: u.id,
        template: 'generic',
        data: {
          title: `Sao lưu dữ liệu thất bại / Backup failed (${status.kind})`,
          message:
            `Bản sao lưu bắt đầu lúc ${status.startedAt} không thực hiện được sau ${status.attempt} lần thử: ${status.error}\n` +
            `The backup started at ${status.startedAt} failed after ${status.attempt} attempts: ${status.error}`,
          link: `${this.notifications.publicUrl}/backups`,
        },
        dedupeKey: `backup-failed:${status.startedAt}:${u.id}`,
      });
    }
  }

  /** The daily run: due once the business day's BACKUP_SCHEDULE time has passed and no scheduled run happened today. */
  private async tick(): Promise<void> {
    const now = this.clock.now();
    const today = localIsoDate(now, this.app.timezone);
    const local = new Date(now.getTime() + zoneOffsetMs(now, this.app.timezone));
    const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
    if (minute < this.config.scheduleMinute! || this.running) return;
    const last = await this.status();
    if (last?.scheduledOn === today) return;
    const backups = await listBackups(this.config.dir);
    const lastFull = backups.filter((b) => b.kind === 'full').at(-1);
    const fullDue =
      !lastFull || now.getTime() - Date.parse(lastFull.createdAt) >= this.config.fullEveryDays * 86400_000 - 3600_000;
    await this.start(fullDue ? 'full' : 'incremental', 'schedule').catch((e) => this.logger.warn(String(e)));
  }

  private async writeStatus(s: BackupStatus): Promise<void> {
    await mkdir(this.config.dir, { recursive: true });
    const tmp = join(this.config.dir, `${STATUS}.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify(s, null, 1));
    await rename(tmp, join(this.config.dir, STATUS));
  }

  private async lock(): Promise<boolean> {
    await mkdir(this.config.dir, { recursive: true });
    const file = join(this.config.dir, LOCK);
    try {
      const f = await open(file, 'wx');
      await f.writeFile(JSON.stringify({ pid: process.pid, at: Date.now() }));
      await f.close();
      return true;
    } catch {
      const held = await readFile(file, 'utf8')
        .then((s) => JSON.parse(s) as { pid: number; at: number })
        .catch(() => null);
      if (held && Date.now() - held.at < STALE_LOCK_MS && pidAlive(held.pid)) return false;
      await rm(file, { force: true });
      return this.lockOnce(file);
    }
  }

  private async lockOnce(file: string): Promise<boolean> {
    try {
      const f = await open(file, 'wx');
      await f.writeFile(JSON.stringify({ pid: process.pid, at: Date.now() }));
      await f.close();
      return true;
    } catch {
      return false;
    }
  }

  private async unlock(): Promise<void> {
    if (existsSync(join(this.config.dir, LOCK))) await rm(join(this.config.dir, LOCK), { force: true });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
