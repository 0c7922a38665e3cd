import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppModule } from '../../../src/app.module.js';
import { createApp } from '../../../src/bootstrap.js';
import { loadConfig } from '../../../src/config/app-config.js';
import { AuditService } from '../../../src/modules/audit/index.js';
import { EmbeddedWorkflowEngine } from '../../../src/modules/workflow/engine/embedded/embedded-engine.js';
import { WorkflowEngine } from '../../../src/modules/workflow/index.js';
import { WorkflowInstanceEntity } from '../../../src/modules/workflow/workflow-instance.entity.js';
import { DataSource } from 'typeorm';

/**
 * Child process of the crash test: the real app plus the worker `crash.effect`, whose every application leaves one
 * audit event (`crash.effect`, entity = instance, data.elementId) in the job's transaction. It starts the
 * instances `crash-0…crash-<N-1>` that do not exist yet (by business key) and keeps running until killed.
 * CRASH_FIXTURE / CRASH_PROCESS choose another process; CRASH_KILL_AT=<elementId> with CRASH_MARKER=<file> makes the
 * worker SIGKILL its own process once, in the middle of that element's job transaction.
 */
@Module({})
class CrashWorkersModule implements OnModuleInit {
  constructor(private readonly refs: ModuleRef) {}
  onModuleInit(): void {
    const engine = this.refs.get(WorkflowEngine, { strict: false });
    const audit = this.refs.get(AuditService, { strict: false });
    engine.registerWorker('crash.effect', async (job) => {
      await audit.record({
        action: 'crash.effect',
        entityType: 'workflow-instance',
        entityId: job.processInstanceId,
        data: { elementId: job.elementId },
      });
      // CRASH_KILL_AT: die once, inside this element's job transaction (its effect is written, not committed)
      const marker = process.env.CRASH_MARKER;
      if (process.env.CRASH_KILL_AT === job.elementId && marker && !existsSync(marker)) {
        writeFileSync(marker, job.processInstanceId);
        process.kill(process.pid, 'SIGKILL');
        await new Promise(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 2)); // widens the window in which SIGKILL lands mid-transaction
      return { variables: { [`done_${job.elementId}`]: true } };
    });
  }
}

const forRoot = AppModule.forRoot.bind(AppModule);
AppModule.forRoot = (config, overrides = {}, extra = []) => forRoot(config, overrides, [...extra, CrashWorkersModule]);

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config, {}, { logger: ['error'] });
  const engine = app.get(WorkflowEngine);
  // the detached start (SQLite's default) can be chosen on MySQL too, to test its crash window there
  if (process.env.CRASH_DETACHED === 'true') (engine as EmbeddedWorkflowEngine).detachedStarts = true;
  const fixture = process.env.CRASH_FIXTURE ?? 'engine-crash.bpmn';
  const xml = readFileSync(join(__dirname, '..', '..', '..', '..', 'test', 'processes', 'fixtures', fixture), 'utf8');
  await engine.deploy(xml, { source: 'api' });
  const total = Number(process.env.CRASH_INSTANCES ?? 100);
  const repo = app.get(DataSource).getRepository(WorkflowInstanceEntity);
  const existing = new Set((await repo.find({ select: { businessKey: true } })).map((r) => r.businessKey));
  process.stdout.write(`ready ${existing.size}\n`);
  for (let i = 0; i < total; i++) {
    const key = `crash-${i}`;
    if (existing.has(key)) continue;
    await engine.start({ processId: process.env.CRASH_PROCESS ?? 'test-crash', businessKey: key, variables: { n: i } });
  }
  process.stdout.write('started all\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
