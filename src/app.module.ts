import { DynamicModule, Module, Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from './config/app-config.js';
import { CoreModule, type CoreOverrides } from './common/core.module.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { OrganizationsModule } from './modules/organizations/organizations.module.js';
import { StartupModule } from './modules/startup/startup.module.js';
import { FEATURE_MODULES } from './feature-modules.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: CoreOverrides = {}, extra: Type<unknown>[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, overrides),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.database), retryAttempts: 3, retryDelay: 1000 }),
        StartupModule,
        AuditModule,
        AuthModule,
        OrganizationsModule,
        HealthModule,
        ...FEATURE_MODULES,
        ...extra,
      ],
    };
  }
}
