import { Global, Module } from '@nestjs/common';
import { StartupService } from './startup.service.js';

@Global()
@Module({ providers: [StartupService], exports: [StartupService] })
export class StartupModule {}
