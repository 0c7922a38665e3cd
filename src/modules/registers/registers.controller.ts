import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, RequirePermission } from '../auth/auth.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { ListRegistersQuery, RegisterExportQuery, RegisterRangeQuery } from './dto/registers.dto.js';
import { RegisterPrintService } from './register-print.service.js';
import { RegistersService } from './registers.service.js';

@ApiTags('registers')
@Controller('api/registers')
export class RegistersController {
  constructor(
    private readonly registers: RegistersService,
    private readonly print: RegisterPrintService,
  ) {}

  @RequirePermission('registers.read')
  @Get()
  list(@CurrentUser() user: AuthUser, @Query() q: ListRegistersQuery) {
    return this.registers.list(user, q);
  }

  @RequirePermission('registers.read')
  @Get(':id/entries')
  entries(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Query() q: RegisterRangeQuery) {
    return this.registers.entries(user, id, q.from, q.to);
  }

  @RequirePermission('registers.read')
  @Get(':id/export')
  @ApiProduces('application/pdf', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async export(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: RegisterExportQuery,
    @Res() res: Response,
  ) {
    const out = await this.print.export(user, id, q.format ?? 'pdf', q.from, q.to);
    res.setHeader('Content-Type', out.mediaType);
    res.setHeader('Content-Disposition', `attachment; filename="${out.fileName}"`);
    res.send(out.content);
  }
}
