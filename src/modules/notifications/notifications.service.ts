import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { In, IsNull, LessThan, LessThanOrEqual, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { TransactionService } from '../../database/transaction.service.js';
import { UserEntity } from '../organizations/index.js';
import { NotificationEntity } from './notification.entity.js';
import { MailTemplates, type MailLang } from './mail-templates.js';

export interface NotificationInput {
  /** Recipient user: address and language come from the user's profile (no e-mail → nothing queued). */
  userId?: string;
  /** Or an explicit address. */
  to?: string;
  language?: MailLang;
  /** Template name: task-assigned, deadline-approaching, overdue, generic, or one registered by a module. */
  template: string;
  data: Record<string, unknown>;
  /** Secret matters (secrecy set): only the link is kept, the mail says nothing of subject or content. */
  secret?: boolean;
  /** Enqueued at most once per key. */
  dedupeKey?: string;
}

const MAX_ATTEMPTS = 8;
const BATCH = 20;
const LOCK_MS = 2 * 60_000;
const LOOP_MS = 5_000;

/** Backoff of the n-th failure: 30 s, 1 min, 2 min … capped at 1 h. */
export const retryDelayMs = (attempts: number) => Math.min(3600_000, 30_000 * 2 ** Math.max(0, attempts - 1));

@Injectable()
export class NotificationsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private readonly templates = new MailTemplates();
  private transport?: Transporter;
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  onModuleInit(): void {
    if (this.config.smtpUrl) this.transport = nodemailer.createTransport(this.config.smtpUrl);
    if (this.config.backgroundWork === false) return; // retries: another HTTP worker's loop (sends after commit still run here)
    this.timer = setInterval(() => void this.flush().catch((e) => this.logger.error(e)), LOOP_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.closing = true;
    await this.running?.catch(() => undefined); // let a send in progress record its outcome
    this.transport?.close();
  }

  /** Base URL of links in mails (PUBLIC_URL, else this server on localhost). */
  get publicUrl(): string {
    return (process.env.PUBLIC_URL ?? `http://localhost:${this.config.port}`).replace(/\/$/, '');
  }

  registerTemplate(key: string, source: string): void {
    this.templates.register(key, source);
  }

  /**
   * Queues a mail inside the caller's transaction (joins it): it commits or rolls back with the event it
   * announces. Returns false when nothing was queued (no address, or the dedupe key was already used).
   */
  async enqueue(input: NotificationInput, manager?: EntityManager): Promise<boolean> {
    if (!this.templates.has(input.template)) throw new Error(`unknown mail template ${input.template}`);
    const work = async (m: EntityManager) => {
      let to = input.to ?? null;
      let language: MailLang = input.language ?? 'vi';
      let recipientName = '';
      if (input.userId) {
        const user = await m.findOne(UserEntity, { where: { id: input.userId } });
        if (!user?.active) return false;
        to ??= user.email;
        recipientName = user.fullName;
        if (!input.language && user.language === 'en') language = 'en';
      }
      if (!to) return false;
      if (input.dedupeKey && (await m.exists(NotificationEntity, { where: { dedupeKey: input.dedupeKey } })))
        return false;
      // Secret: store nothing but the link, so not even the outbox holds the subject.
      const data = input.secret
        ? { link: input.data.link ?? this.publicUrl, secret: true }
        : { recipientName, ...input.data, secret: false };
      const now = this.clock.now();
      await m.insert(NotificationEntity, {
        id: this.ids.next(),
        userId: input.userId ?? null,
        toAddress: to,
        template: input.template,
        language,
        data,
        dedupeKey: input.dedupeKey ?? null,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lockedUntil: null,
        lastError: null,
        createdAt: now,
        sentAt: null,
      });
      this.tx.afterCommit(() => this.kick());
      return true;
    };
    // A manager given by the caller is its open transaction (e.g. the engine's): write through it directly.
    return manager ? work(manager) : this.tx.run(work);
  }

  /** Sends everything due now; resolves with the number of mails handled. Tests call it directly. */
  async flush(): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.drain();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private kick(): void {
    if (!this.running && !this.closing) void this.flush().catch((e) => this.logger.error(e));
  }

  private async drain(): Promise<number> {
    let handled = 0;
    while (!this.closing) {
      const now = this.clock.now();
      const due = await this.tx.manager.find(NotificationEntity, {
        where: [
          { state: 'pending', nextAttemptAt: LessThanOrEqual(now), lockedUntil: IsNull() },
          { state: 'pending', nextAttemptAt: LessThanOrEqual(now), lockedUntil: LessThan(now) },
        ],
        order: { nextAttemptAt: 'ASC' },
        take: BATCH,
      });
      if (!due.length) return handled;
      const claimed = await this.claim(
        due.map((n) => n.id),
        now,
      );
      if (!claimed.length) return handled;
      for (const n of due.filter((d) => claimed.includes(d.id))) {
        await this.deliver(n);
        handled++;
      }
    }
    return handled;
  }

  /** Takes the rows for LOCK_MS; a row another process holds is skipped. */
  private async claim(ids: string[], now: Date): Promise<string[]> {
    const until = new Date(now.getTime() + LOCK_MS);
    const got: string[] = [];
    await this.tx.run(async (m) => {
      for (const id of ids) {
        const r = await m
          .createQueryBuilder()
          .update(NotificationEntity)
          .set({ lockedUntil: until })
          .where('id = :id AND state = :s', { id, s: 'pending' })
          .andWhere('(locked_until IS NULL OR locked_until < :now)', { now })
          .execute();
        if (r.affected) got.push(id);
      }
    });
    return got;
  }

  private async deliver(n: NotificationEntity): Promise<void> {
    try {
      const mail = this.templates.render(n.template, n.language as MailLang, n.data, n.data.secret === true);
      if (this.transport) {
        await this.transport.sendMail({ from: this.config.mailFrom, to: n.toAddress, ...mail });
      } else {
        this.logger.log(`mail not sent (SMTP_URL unset) to ${n.toAddress}: ${mail.subject}`);
      }
      await this.tx.run((m) =>
        m.update(NotificationEntity, { id: n.id }, { state: 'sent', sentAt: this.clock.now(), lockedUntil: null }),
      );
    } catch (e) {
      const attempts = n.attempts + 1;
      const failed = attempts >= MAX_ATTEMPTS;
      this.logger.warn(`mail ${n.id} to ${n.toAddress} failed (attempt ${attempts}): ${(e as Error).message}`);
      await this.tx.run((m) =>
        m.update(
          NotificationEntity,
          { id: n.id },
          {
            attempts,
            state: failed ? 'failed' : 'pending',
            nextAttemptAt: new Date(this.clock.now().getTime() + retryDelayMs(attempts)),
            lockedUntil: null,
            lastError: String((e as Error).message ?? e).slice(0, 1000),
          },
        ),
      );
    }
  }

  /** For tests and the admin screen: what is queued for a user. */
  async listFor(userId: string, states: string[] = ['pending', 'sent', 'failed']): Promise<NotificationEntity[]> {
    return this.tx.manager.find(NotificationEntity, {
      where: { userId, state: In(states) },
      order: { createdAt: 'ASC' },
    });
  }
}
