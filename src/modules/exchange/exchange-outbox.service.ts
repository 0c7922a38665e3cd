import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LessThanOrEqual, type EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '../../common/clock.js';
import { Periodic } from '../../common/periodic.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import { StorageService } from '../storage/index.js';
import { ExchangeDirectory } from './exchange-directory.service.js';
import { ExchangeOutboxEntity } from './exchange.entity.js';
import { PackageBuilder } from './package-builder.js';
import { DirectGateway } from './gateway/direct.adapter.js';
import { PermanentSendError, type ExchangeGateway } from './gateway/exchange-gateway.port.js';
import { VxpGateway } from './gateway/vxp.adapter.js';
import { InstallationKey } from './installation-key.js';

const BATCH = 20;
/** After this many failed attempts a package is given up (failed) and shown so to the clerk. */
export const MAX_ATTEMPTS = 15;

export type Enqueue = Omit<
  ExchangeOutboxEntity,
  'id' | 'state' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'sentAt' | 'createdAt' | 'packageSha256'
>;

/**
 * Sends queued packages: at commit of the transaction that queued them, and every EXCHANGE_LOOP_MS for the ones
 * due again. A failure is kept on the row (shown on the document) and retried after EXCHANGE_RETRY_BASE_MS,
 * doubling up to an hour. A row is claimed by moving its next attempt forward first, so two processes do not
 * send it at once; the receiving side stores a package once however often it comes.
 */
@Injectable()
export class ExchangeOutbox implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ExchangeOutbox');
  private readonly loop = new Periodic(() => this.flush(), this.logger);
  readonly gateways: Record<string, ExchangeGateway>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly storage: StorageService,
    private readonly directory: ExchangeDirectory,
    private readonly builder: PackageBuilder,
    key: InstallationKey,
  ) {
    this.gateways = { direct: new DirectGateway(key) };
    if (config.exchange.vxp) this.gateways.vxp = new VxpGateway(config.exchange.vxp);
  }

  onModuleInit(): void {
    if (this.config.backgroundWork !== false) this.loop.start(this.config.exchange.loopMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** Queues a package in the caller's transaction; false when this key was queued before. */
  async enqueue(m: EntityManager, row: Enqueue): Promise<boolean> {
    if (await m.findOne(ExchangeOutboxEntity, { where: { dedupeKey: row.dedupeKey } })) return false;
    const now = this.clock.now();
    await m.insert(ExchangeOutboxEntity, {
      ...row,
      id: this.ids.next(),
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      sentAt: null,
      packageSha256: null,
      createdAt: now,
    } as never);
    this.tx.afterCommit(() => void this.flush().catch((e) => this.logger.error(e)));
    return true;
  }

  private flushing: Promise<number> | null = null;

  /** Sends what is due; returns how many were sent. */
  flush(): Promise<number> {
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async flushOnce(): Promise<number> {
    const due = await this.tx.manager.find(ExchangeOutboxEntity, {
      where: { state: 'pending', nextAttemptAt: LessThanOrEqual(this.clock.now()) },
      order: { nextAttemptAt: 'ASC' },
      take: BATCH,
    });
    let sent = 0;
    for (const row of due) if (await this.attempt(row)) sent++;
    return sent;
  }

  private async attempt(row: ExchangeOutboxEntity): Promise<boolean> {
    const now = this.clock.now();
    const lockUntil = new Date(now.getTime() + 5 * 60_000);
    const claimed = await this.tx.run((m) =>
      m
        .createQueryBuilder()
        .update(ExchangeOutboxEntity)
        .set({ nextAttemptAt: lockUntil })
        .where('id = :id AND state = :state AND next_attempt_at <= :now', { id: row.id, state: 'pending', now })
        .execute(),
    );
    if (!claimed.affected) return false;
    try {
      const peer = await this.directory.byOrganId(this.tx.manager, row.targetOrganId);
      if (!peer) throw new PermanentSendError(`${row.targetOrganId} is not in the exchange directory`);
      const gateway = this.gateways[peer.adapter];
      if (!gateway) throw new Error(`exchange adapter "${peer.adapter}" is not configured`);
      let sha = row.packageSha256;
      if (!sha) {
        const bytes = await this.builder.build(row);
        sha = (await this.storage.put(bytes)).sha256;
        await this.tx.run((m) => m.update(ExchangeOutboxEntity, { id: row.id }, { packageSha256: sha }));
      }
      await gateway.send({ peer, fromOrganId: row.fromOrganId, kind: row.kind, bytes: await this.storage.get(sha) });
      await this.tx.run((m) =>
        m.update(
          ExchangeOutboxEntity,
          { id: row.id },
          { state: 'sent', sentAt: this.clock.now(), attempts: row.attempts + 1, lastError: null },
        ),
      );
      return true;
    } catch (e) {
      const attempts = row.attempts + 1;
      const permanent = e instanceof PermanentSendError || attempts >= MAX_ATTEMPTS;
      const delay = Math.min(3600_000, this.config.exchange.retryBaseMs * 2 ** (attempts - 1));
      const message = ((e as Error).cause as Error)?.message ?? (e as Error).message;
      this.logger.warn(`package ${row.id} to ${row.targetOrganId}: ${message}`);
      await this.tx.run((m) =>
        m.update(
          ExchangeOutboxEntity,
          { id: row.id },
          {
            state: permanent ? 'failed' : 'pending',
            attempts,
            lastError: `${(e as Error).message}${message !== (e as Error).message ? `: ${message}` : ''}`.slice(
              0,
              1000,
            ),
            nextAttemptAt: new Date(this.clock.now().getTime() + delay),
          },
        ),
      );
      return false;
    }
  }

  /** The clerk asks for a failed package to be tried again now. */
  async retry(m: EntityManager, documentId: string): Promise<number> {
    const r = await m.update(
      ExchangeOutboxEntity,
      { documentId, state: 'failed' },
      { state: 'pending', attempts: 0, nextAttemptAt: this.clock.now() },
    );
    this.tx.afterCommit(() => void this.flush().catch((e) => this.logger.error(e)));
    return r.affected ?? 0;
  }
}
