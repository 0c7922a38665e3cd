import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, RequirePermission, type AuthUser } from '../auth/index.js';
import { DispositionService } from './archive/disposition.service.js';
import { DossierClosingService } from './dossier-closing.service.js';
import { DossierExportService } from './dossier-export.service.js';
import { DossiersService } from './dossiers.service.js';
import {
  AddItemDto,
  CreateDossierDto,
  DestroyDossierDto,
  ExportQuery,
  ListDossiersQuery,
  RetainDossierDto,
  UpdateDossierDto,
} from './dto/dossier.dto.js';
import { ExpensiveWork } from '../../common/expensive-work.js';

@ApiTags('dossiers')
@Controller('api/dossiers')
export class DossiersController {
  constructor(
    private readonly dossiers: DossiersService,
    private readonly closing: DossierClosingService,
    private readonly disposition: DispositionService,
    private readonly exporter: DossierExportService,
  ) {}

  @RequirePermission('dossiers.manage')
  @Post()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateDossierDto) {
    return this.dossiers.create(user, dto);
  }

  @RequirePermission('dossiers.read')
  @Get()
  list(@CurrentUser() user: AuthUser, @Query() q: ListDossiersQuery) {
    return this.dossiers.list(user, q);
  }

  @RequirePermission('dossiers.read')
  @Get('disposition')
  expired(@CurrentUser() user: AuthUser) {
    return this.disposition.expired(user);
  }

  @RequirePermission('dossiers.read')
  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.dossiers.get(user, id);
  }

  @RequirePermission('dossiers.manage')
  @Patch(':id')
  update(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateDossierDto) {
    return this.dossiers.update(user, id, dto);
  }

  @RequirePermission('dossiers.manage')
  @Post(':id/items')
  addItem(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AddItemDto) {
    return this.dossiers.addItem(user, id, dto.documentId);
  }

  @RequirePermission('dossiers.manage')
  @Delete(':id/items/:documentId')
  @HttpCode(204)
  async removeItem(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('documentId', ParseUUIDPipe) documentId: string,
  ) {
    await this.dossiers.removeItem(user, id, documentId);
  }

  @RequirePermission('dossiers.manage')
  @Post(':id/close')
  @HttpCode(200)
  close(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.closing.close(user, id);
  }

  @RequirePermission('dossiers.manage')
  @Post(':id/retention-requests')
  @HttpCode(202)
  requestRetention(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RetainDossierDto,
  ) {
    return this.closing.requestRetention(user, id, dto.until, dto.reason);
  }

  @RequirePermission('archive.approve')
  @Post(':id/retain')
  @HttpCode(200)
  async retain(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RetainDossierDto) {
    await this.closing.retain(user, id, new Date(dto.until), dto.reason);
    return this.dossiers.get(user, id);
  }

  @RequirePermission('archive.approve')
  @Post(':id/destroy')
  @HttpCode(200)
  destroy(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DestroyDossierDto) {
    return this.disposition.destroy(user, id, dto.reason);
  }

  @RequirePermission('dossiers.read')
  @Get(':id/export')
  async export(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ExportQuery,
    @Res() res: Response,
  ) {
    const out = await ExpensiveWork.run(() => this.exporter.export(user, id, q.format ?? 'pdf'));
    res.setHeader('Content-Type', out.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${out.filename}"`);
    res.send(out.data);
  }
}
