import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

export interface StartupStep {
  name: string;
  /** Lower runs first. Organizations demo seed: 10; signing CA: 20; processes deployment: 30; module demo data: 50+. */
  order: number;
  /** Run only when demo data is on (SEED_DEMO). */
  demoOnly?: boolean;
  run: () => Promise<void>;
}

/**
 * Ordered start-up work after migrations: bootstrap admin, demo data, deploying processes, recovering
 * instances. Modules register their steps in onModuleInit; steps must be idempotent.
 */
@Injectable()
export class StartupService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Startup');
  private readonly steps: StartupStep[] = [];
  private resolveReady!: () => void;
  /** Resolves when every step has run (tests and the HTTP listener wait on it). */
  readonly ready = new Promise<void>((r) => (this.resolveReady = r));

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  register(step: StartupStep): void {
    this.steps.push(step);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const step of [...this.steps].sort((a, b) => a.order - b.order)) {
      if (step.demoOnly && !this.config.seedDemo) continue;
      const t = Date.now();
      await step.run();
      this.logger.log(`${step.name} (${Date.now() - t} ms)`);
    }
    this.resolveReady();
  }
}
