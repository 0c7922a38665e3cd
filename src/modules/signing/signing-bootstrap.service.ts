import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { StartupService } from '../startup/startup.service.js';
import { CaService } from './ca.service.js';
import { CredentialsService } from './credentials.service.js';

/** Startup step 20: the demo CA, then (demo data on) keys for every agency and demo signer. Idempotent. */
@Injectable()
export class SigningBootstrapService implements OnModuleInit {
  private readonly logger = new Logger('Signing');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly startup: StartupService,
    private readonly ca: CaService,
    private readonly credentials: CredentialsService,
  ) {}

  onModuleInit(): void {
    this.startup.register({
      name: 'signing CA and demo certificates',
      order: 20,
      run: async () => {
        await this.ca.ensureRoot();
        if (!this.config.seedDemo) return;
        const n = await this.credentials.seedDemo();
        if (n) this.logger.log(`issued ${n} demo certificates (PIN = DEMO_PASSWORD)`);
      },
    });
  }
}
