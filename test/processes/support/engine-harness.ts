import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from 'typeorm';
import { ManualClock } from '../../../src/common/clock.js';
import { EmbeddedWorkflowEngine } from '../../../src/modules/workflow/engine/embedded/embedded-engine.js';
import { EngineScheduler } from '../../../src/modules/workflow/engine/embedded/engine-scheduler.js';
import type { UserTaskInfo } from '../../../src/modules/workflow/engine/workflow-engine.port.js';
import {
  WorkflowActivityEntity,
  WorkflowInstanceEntity,
} from '../../../src/modules/workflow/workflow-instance.entity.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

export const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'processes', 'fixtures');
export const CORPUS = process.env.ZEEBE_CORPUS ?? '/work/shared/zeebe-corpus';
export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** A test app with a ManualClock, the embedded engine, and a record of user tasks handed to the listener. */
export interface EngineHarness {
  t: TestApp;
  clock: ManualClock;
  engine: EmbeddedWorkflowEngine;
  scheduler: EngineScheduler;
  tasks: Map<string, UserTaskInfo>;
  cancelled: { key: string; reason: string }[];
  timerFired: { key: string; timerElementId: string }[];
  instance(id: string): Promise<WorkflowInstanceEntity>;
  /** Element ids in the order they completed (history rows with state completed). */
  completed(id: string): Promise<string[]>;
  history(id: string): Promise<WorkflowActivityEntity[]>;
  openTask(instanceId: string, elementId: string): UserTaskInfo;
  close(): Promise<void>;
}

export async function startEngineHarness(): Promise<EngineHarness> {
  const clock = new ManualClock(new Date('2026-03-02T02:00:00Z'));
  // the corpus' timer model (Zeebe's own test) waits 1 s
  const t = await startTestApp({ clock, env: { ENGINE_POLL_MS: '3600000', TIMER_MIN_INTERVAL_SECONDS: '1' } });
  const engine = t.app.get(EmbeddedWorkflowEngine);
  const tasks = new Map<string, UserTaskInfo>();
  const cancelled: { key: string; reason: string }[] = [];
  const timerFired: { key: string; timerElementId: string }[] = [];
  engine.onUserTask({
    async created(task: UserTaskInfo, _m: EntityManager) {
      tasks.set(task.key, task);
    },
    async cancelled(key: string, reason: string) {
      tasks.delete(key);
      cancelled.push({ key, reason });
    },
    async timerFired(key: string, timerElementId: string) {
      timerFired.push({ key, timerElementId });
    },
  });
  // completed tasks leave the map, so openTask only finds waiting ones
  const complete = engine.completeUserTask.bind(engine);
  engine.completeUserTask = async (key, vars, opts) => {
    await complete(key, vars, opts);
    tasks.delete(key);
  };
  const h: EngineHarness = {
    t,
    clock,
    engine,
    scheduler: t.app.get(EngineScheduler),
    tasks,
    cancelled,
    timerFired,
    instance: (id) => t.dataSource.getRepository(WorkflowInstanceEntity).findOneByOrFail({ id }),
    history: (id) =>
      t.dataSource.getRepository(WorkflowActivityEntity).find({ where: { instanceId: id }, order: { seq: 'ASC' } }),
    async completed(id) {
      const rows = await h.history(id);
      return rows
        .filter((r) => r.state === 'completed')
        .sort((a, b) => a.endedAt!.getTime() - b.endedAt!.getTime() || a.seq - b.seq)
        .map((r) => r.elementId);
    },
    openTask(instanceId, elementId) {
      const found = [...tasks.values()].find((x) => x.processInstanceId === instanceId && x.elementId === elementId);
      if (!found)
        throw new Error(
          `no open task ${elementId} in ${instanceId}: ${JSON.stringify([...tasks.values()].map((x) => x.elementId))}`,
        );
      return found;
    },
    close: () => t.close(),
  };
  return h;
}

/** The crash test's child app (support/crash-child.ts) and its environment on a test database. */
export const CRASH_CHILD = join(__dirname, 'crash-child.js');
export const crashChildEnv = (
  db: { dataDir: string; databaseUrl: string },
  extra: Record<string, string>,
): NodeJS.ProcessEnv => ({
  ...process.env,
  DATA_DIR: db.dataDir,
  DATABASE_URL: db.databaseUrl,
  SEED_DEMO: 'false',
  NODE_ENV: 'test',
  ENGINE_POLL_MS: '200',
  // the crash fixture's timers wait 1 s
  TIMER_MIN_INTERVAL_SECONDS: '1',
  ...extra,
});
