import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { LessThanOrEqual } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../config/app-config.js';
import { Clock, IdGenerator } from '../../../../common/clock.js';
import { TransactionService } from '../../../../database/transaction.service.js';
import { WorkflowInstanceEntity } from '../../workflow-instance.entity.js';
import { WorkflowIncidentEntity, WorkflowJobEntity, WorkflowTimerEntity } from '../../workflow-wait.entity.js';
import { EmbeddedWorkflowEngine } from './embedded-engine.js';
import { nextRepetition } from './feel.js';
import { HELD } from './job-runner.js';

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A start still without engine state after this long was left by a process that died (see startDetached). */
export const STALE_START_MS = 60_000;

/**
 * Fires due timers and retries due jobs from the database, driven by the injected Clock: a polling loop in
 * production, `runDue()` in tests. Work on an instance that fails is recorded as an incident, never lost.
 */
@Injectable()
export class EngineScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger('EngineScheduler');
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private again = false;
  private staleCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly engine: EmbeddedWorkflowEngine,
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    engine.kick = () => void this.runDue().catch((e) => this.logger.error(e));
  }

  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runDue().catch((e) => this.logger.error(e)), intervalMs);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Runs everything due now (by the Clock); resolves with the number of items handled. */
  async runDue(): Promise<number> {
    if (this.running) {
      this.again = true;
      await this.running;
    }
    this.running = this.loop();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  /**
   * One tick handles what was due when it began: a timer it fires comes due again only after the minimum interval
   * (TIMER_MIN_INTERVAL_SECONDS), so a tick always ends, and it yields to the event loop between items, so
   * requests are served meanwhile (`R/PT0S` once kept the scheduler, and the server, busy for good).
   */
  private async loop(): Promise<number> {
    let total = 0;
    const now = this.clock.now();
    for (let round = 0; round < 1000; round++) {
      this.again = false;
      const n = await this.once(now);
      total += n;
      if (!n && !this.again) break;
    }
    return total;
  }

  private async once(now: Date): Promise<number> {
    const m = this.tx.dataSource.manager;
    const timers = await m.find(WorkflowTimerEntity, {
      where: { dueAt: LessThanOrEqual(now) },
      order: { dueAt: 'ASC' },
      take: 200,
    });
    const jobs = await m.find(WorkflowJobEntity, {
      where: { state: 'pending', nextAttemptAt: LessThanOrEqual(now) },
      order: { nextAttemptAt: 'ASC' },
      take: 200,
    });
    // starts left unfinished by a process that died between their job transactions (see startDetached): still
    // revision 0 (every saved state has a higher one). Looked for every half minute: at a province's scale the
    // active instances are many. A live but slow start is safe to run too: its jobs replay, the slower drops its result.
    let stale: { id: string }[] = [];
    if (now.getTime() - this.staleCheckedAt >= STALE_START_MS / 2) {
      this.staleCheckedAt = now.getTime();
      stale = await m.find(WorkflowInstanceEntity, {
        where: { state: 'active', revision: 0, startedAt: LessThanOrEqual(new Date(now.getTime() - STALE_START_MS)) },
        select: { id: true },
        take: 100,
      });
    }
    let n = 0;
    for (const i of stale) if (await this.guard(i.id, () => this.engine.resumeInstance(i.id))) n++;
    for (const t of timers) {
      await yieldToRequests();
      if (await this.guard(t.instanceId, () => this.fire(t))) n++;
    }
    const seen = new Set<string>();
    for (const j of jobs) {
      if (seen.has(j.instanceId)) continue;
      seen.add(j.instanceId);
      await yieldToRequests();
      if (await this.guard(j.instanceId, () => this.engine.resumeInstance(j.instanceId))) n++;
    }
    return n;
  }

  private async fire(t: WorkflowTimerEntity): Promise<void> {
    await this.engine.track(() =>
      this.tx.run(async (m) => {
        const still = await m.findOneBy(WorkflowTimerEntity, { id: t.id });
        if (!still) return; // fired by another process
        if (t.instanceId) {
          await this.engine.fireTimer(m, t.instanceId, t.executionId!);
          // the advance removes the row when the timer left the engine; a stale row must not loop
          await m.delete(WorkflowTimerEntity, { id: t.id, dueAt: LessThanOrEqual(this.clock.now()) });
          return;
        }
        const def = await this.engine.definitions.get(m, t.definitionId!);
        await this.engine.startIn(m, def, { processId: def.processId, variables: {} });
        if (t.period && t.repeatLeft !== 0) {
          // computed, not walked: a row written before the minimum existed (`PT0S`) repeats at the minimum
          const due = nextRepetition(t.dueAt, t.period, this.clock.now(), this.config.timerMinIntervalMs);
          await m.update(
            WorkflowTimerEntity,
            { id: t.id },
            { dueAt: due, repeatLeft: t.repeatLeft === null || t.repeatLeft < 0 ? -1 : t.repeatLeft - 1 },
          );
        } else await m.delete(WorkflowTimerEntity, { id: t.id });
      }),
    );
  }

  /** Failures of scheduled work become incidents on the instance (the engine state stays at its last wait). */
  private async guard(instanceId: string | null, fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (e) {
      const err = e as Error & { code?: string; params?: Record<string, unknown> };
      this.logger.warn(`instance ${instanceId ?? '-'}: ${err.message} ${JSON.stringify(err.params ?? {})}`);
      if (!instanceId) return false;
      await this.tx.run(async (m) => {
        const row = await m.findOneBy(WorkflowInstanceEntity, { id: instanceId });
        if (!row || (row.state !== 'active' && row.state !== 'incident')) return;
        await m.insert(WorkflowIncidentEntity, {
          id: this.ids.next(),
          instanceId,
          jobKey: null,
          elementId: String(err.params?.elementId ?? ''),
          type: err.code === 'EXTRACT_VALUE_ERROR' ? 'EXTRACT_VALUE_ERROR' : 'ENGINE_ERROR',
          message: String(err.params?.message ?? err.message).slice(0, 1000),
          state: 'open',
          createdAt: this.clock.now(),
          resolvedAt: null,
        });
        await m.update(WorkflowInstanceEntity, { id: instanceId }, { state: 'incident' });
        // Hold the instance's due work until the incident is retried (no busy loop on a broken model).
        await m.update(WorkflowJobEntity, { instanceId, state: 'pending' }, { state: 'held' });
        await m.update(WorkflowTimerEntity, { instanceId, dueAt: LessThanOrEqual(this.clock.now()) }, { dueAt: HELD });
      });
      this.engine.forget(instanceId);
      return false;
    }
  }
}
