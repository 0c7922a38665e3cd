import 'reflect-metadata';
import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppModule } from '../../../src/app.module.js';
import { createApp } from '../../../src/bootstrap.js';
import { loadConfig } from '../../../src/config/app-config.js';
import { AuditService } from '../../../src/modules/audit/index.js';
import { WorkflowEngine } from '../../../src/modules/workflow/index.js';

/**
 * The production server (same bootstrap as src/main.ts) plus one worker type, `faults.effect`, whose every
 * application leaves exactly one audit event in the job's transaction. The fault tests count those events to
 * prove that no worker effect is applied twice across SIGKILL, restarts and two processes.
 */
export const EFFECT_TASK_TYPE = 'faults.effect';
export const EFFECT_ACTION = 'faults.effect';

@Module({})
class FaultWorkersModule implements OnModuleInit {
  constructor(private readonly refs: ModuleRef) {}

  onModuleInit(): void {
    const engine = this.refs.get(WorkflowEngine, { strict: false });
    const audit = this.refs.get(AuditService, { strict: false });
    const delayMs = Number(process.env.FAULT_EFFECT_DELAY_MS ?? 0);
    engine.registerWorker(EFFECT_TASK_TYPE, async (job) => {
      await audit.record({
        action: EFFECT_ACTION,
        entityType: 'workflow-instance',
        entityId: job.processInstanceId,
        agencyId: typeof job.variables.agencyId === 'string' ? job.variables.agencyId : null,
        data: { elementId: job.elementId, jobKey: job.jobKey },
      });
      // widens the window in which a SIGKILL lands inside the worker's transaction
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return { variables: { [`done_${job.elementId}`]: true } };
    });
  }
}

// createApp builds AppModule.forRoot(config, overrides); the test module is added as an extra import so the
// server is otherwise exactly the production one.
const forRoot = AppModule.forRoot.bind(AppModule);
AppModule.forRoot = (config, overrides = {}, extra = []) => forRoot(config, overrides, [...extra, FaultWorkersModule]);

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config, {}, { logger: ['error', 'warn'] });
  await app.listen(config.port, '127.0.0.1');
  new Logger('fault-server').log(`listening on ${config.port}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
