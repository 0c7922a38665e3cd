import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Public } from '../auth/auth.decorators.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  async health() {
    await this.ds.query('SELECT 1');
    return { status: 'ok', database: this.config.database.type, engine: this.config.workflowEngine };
  }
}
