import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { registerMessages } from '../../common/messages.js';
import { BackupService } from './backup.service.js';

registerMessages({
  BACKUP_FORBIDDEN: {
    vi: 'Chỉ quản trị viên của toàn bộ hệ thống mới được sao lưu và xem các bản sao lưu.',
    en: 'Only an administrator of the whole installation may take or see backups.',
  },
  BACKUP_RUNNING: {
    vi: 'Một bản sao lưu đang được thực hiện; vui lòng chờ nó kết thúc.',
    en: 'A backup is already running; wait for it to finish.',
  },
});

export class StartBackupDto {
  @IsOptional()
  @IsIn(['full', 'incremental'])
  kind?: 'full' | 'incremental';
}

@ApiTags('backups')
@Controller('api/backups')
export class BackupController {
  constructor(private readonly backups: BackupService) {}

  /** The last run (result, size, duration), the settings and the backups on disk (installation administrators). */
  @RequirePermission('organizations.manage')
  @Get()
  async overview(@CurrentUser() user: AuthUser) {
    await this.backups.assertInstallationAdmin(user);
    return this.backups.overview();
  }

  /** Starts a backup now (202; its outcome appears in GET /api/backups); 409 while one runs. */
  @RequirePermission('organizations.manage')
  @Post()
  @HttpCode(202)
  async start(@CurrentUser() user: AuthUser, @Body() dto: StartBackupDto) {
    await this.backups.assertInstallationAdmin(user);
    return this.backups.start(dto.kind ?? 'full', 'admin');
  }
}
