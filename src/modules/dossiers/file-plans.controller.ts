import {
  Body,
  Controller,
  Get,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { badRequest } from '../../common/domain-error.js';
import { CurrentUser, RequirePermission, type AuthUser } from '../auth/index.js';
import { CreateFilePlanLineDto, FilePlanQuery, UpdateFilePlanLineDto } from './dto/file-plan.dto.js';
import { FilePlanImportService } from './file-plan-import.service.js';
import { FilePlanService } from './file-plan.service.js';
import { readRawBody } from './raw-body.js';
import { ExpensiveWork } from '../../common/expensive-work.js';

const YEAR = new ParseIntPipe();

@ApiTags('file plans')
@Controller('api/file-plans')
export class FilePlansController {
  constructor(
    private readonly plans: FilePlanService,
    private readonly importer: FilePlanImportService,
  ) {}

  @RequirePermission('dossiers.read')
  @Get(':year')
  get(@CurrentUser() user: AuthUser, @Param('year', YEAR) year: number, @Query() q: FilePlanQuery) {
    return this.plans.get(user, checkYear(year), q.agencyId);
  }

  @RequirePermission('fileplan.manage')
  @Post(':year/entries')
  add(@CurrentUser() user: AuthUser, @Param('year', YEAR) year: number, @Body() dto: CreateFilePlanLineDto) {
    return this.plans.addLine(user, checkYear(year), dto);
  }

  @RequirePermission('fileplan.manage')
  @Patch('entries/:id')
  update(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateFilePlanLineDto) {
    return this.plans.updateLine(user, id, dto);
  }

  @RequirePermission('fileplan.manage')
  @Post(':year/import')
  @ApiConsumes('multipart/form-data', 'text/csv')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 10 * 1024 * 1024 } }))
  async import(
    @CurrentUser() user: AuthUser,
    @Param('year', YEAR) year: number,
    @Req() req: Request,
    @UploadedFile() file?: Express.Multer.File,
  ) {
    const content = file?.buffer ?? (await readRawBody(req, 10 * 1024 * 1024));
    if (!content.length) throw badRequest('VALIDATION_FAILED', { fields: 'file' });
    // XLSX is a ZIP ("PK"); anything else is read as CSV (UTF-8, comma or semicolon).
    const format = content.subarray(0, 2).toString('latin1') === 'PK' ? 'xlsx' : 'csv';
    return ExpensiveWork.run(() => this.importer.import(user, checkYear(year), content, format));
  }

  @RequirePermission('fileplan.approve')
  @Post(':year/approve')
  approve(@CurrentUser() user: AuthUser, @Param('year', YEAR) year: number) {
    return this.plans.approve(user, checkYear(year));
  }

  @RequirePermission('fileplan.manage')
  @Post(':year/copy-forward')
  copyForward(@CurrentUser() user: AuthUser, @Param('year', YEAR) year: number) {
    return this.plans.copyForward(user, checkYear(year));
  }
}

function checkYear(year: number): number {
  if (year < 1900 || year > 2200) throw badRequest('VALIDATION_FAILED', { fields: 'year' });
  return year;
}
