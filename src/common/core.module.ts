import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Clock, IdGenerator, SystemClock, UuidGenerator } from './clock.js';
import { TransactionService } from '../database/transaction.service.js';
import { SqliteStatistics } from '../database/sqlite-statistics.js';

export interface CoreOverrides {
  clock?: Clock;
  ids?: IdGenerator;
}

/** Configuration, clock, id generator and transactions (and SQLite's planner statistics): available everywhere. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, overrides: CoreOverrides = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      { provide: Clock, useValue: overrides.clock ?? new SystemClock() },
      { provide: IdGenerator, useValue: overrides.ids ?? new UuidGenerator() },
      TransactionService,
      SqliteStatistics,
    ];
    return { module: CoreModule, providers, exports: providers };
  }
}
