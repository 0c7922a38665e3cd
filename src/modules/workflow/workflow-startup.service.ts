import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { DomainError } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { StartupService } from '../startup/startup.service.js';
import { EmbeddedWorkflowEngine } from './engine/embedded/embedded-engine.js';
import { EngineScheduler } from './engine/embedded/engine-scheduler.js';
import { WorkflowEngine } from './engine/workflow-engine.port.js';
import { WorkflowInstanceEntity } from './workflow-instance.entity.js';

/** processes/ next to package.json (dist/src/modules/workflow → ../../../../processes), or HOSO_PROCESSES_DIR. */
export const processesDir = () =>
  process.env.HOSO_PROCESSES_DIR ?? join(__dirname, '..', '..', '..', '..', 'processes');

/**
 * Start-up steps: deploy processes/*.bpmn whose content changed (order 30: workers are registered in the other
 * modules' onModuleInit, before this runs), then finish unfinished starts and start the scheduler (35).
 */
@Injectable()
export class WorkflowStartupService implements OnModuleInit {
  private readonly logger = new Logger('Workflow');

  constructor(
    private readonly startup: StartupService,
    private readonly engine: WorkflowEngine,
    private readonly embedded: EmbeddedWorkflowEngine,
    private readonly scheduler: EngineScheduler,
    private readonly tx: TransactionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.startup.register({ name: 'deploy processes', order: 30, run: () => this.deployAll() });
    // recovery and the scheduler run in one process of a cluster (config.backgroundWork, set by main.ts)
    if (this.engine.kind === 'embedded' && this.config.backgroundWork !== false)
      this.startup.register({ name: 'recover process instances', order: 35, run: () => this.recover() });
  }

  async deployAll(dir = processesDir()): Promise<void> {
    if (!existsSync(dir)) return;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.bpmn'))
      .sort()) {
      try {
        const r = await this.engine.deploy(readFileSync(join(dir, file), 'utf8'), { source: 'startup' });
        if (r.changed) this.logger.log(`deployed ${r.processId} version ${r.version} (${file})`);
      } catch (e) {
        const details = e instanceof DomainError ? JSON.stringify(e.details.errors ?? e.params) : (e as Error).message;
        this.logger.error(`processes/${file} was not deployed: ${details}`);
      }
    }
  }

  /**
   * Finishes the starts a stopped process left unfinished (still revision 0: a detached start commits its job
   * rounds before it saves the engine state), then starts the scheduler, which runs the jobs that are due (a
   * retry, a job whose worker was not registered yet) and the timers. Every other active instance was saved whole
   * by one transaction and waits on something recorded (a user task, a timer, a message subscription): rebuilding
   * and saving it again would change nothing, and at a province's scale (100,000 waiting instances, ~3 ms each)
   * would keep a restarted server busy for minutes.
   */
  async recover(): Promise<void> {
    const rows = await this.tx.dataSource.manager.find(WorkflowInstanceEntity, {
      where: { state: 'active', revision: 0 },
      select: { id: true },
    });
    let failed = 0;
    for (const r of rows) {
      try {
        await this.embedded.resumeInstance(r.id);
      } catch (e) {
        failed++;
        this.logger.warn(`instance ${r.id} not recovered: ${(e as Error).message}`);
      }
    }
    if (rows.length) this.logger.log(`recovered ${rows.length - failed}/${rows.length} process instance(s)`);
    this.scheduler.start(Number(process.env.ENGINE_POLL_MS ?? 1000));
    // What fell due while the server was down (jobs interrupted by a crash, timers) runs from now on, beside the
    // requests, not before the server serves: after a crash with hundreds of instances in flight, draining it
    // first kept a restarted server from answering for 20 s (and, on a loaded machine, for minutes, as timers
    // kept falling due while it worked).
    void this.scheduler.runDue().catch((e) => this.logger.error(e));
  }
}
