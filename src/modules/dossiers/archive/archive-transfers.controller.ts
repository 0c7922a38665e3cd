import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, RequirePermission, type AuthUser } from '../../auth/index.js';
import { CreateTransferDto, RejectTransferDto } from '../dto/dossier.dto.js';
import { readRawBody } from '../raw-body.js';
import { ArchiveService } from './archive.service.js';

@ApiTags('archive transfers')
@Controller('api/archive-transfers')
export class ArchiveTransfersController {
  constructor(private readonly archive: ArchiveService) {}

  @RequirePermission('dossiers.manage')
  @Post()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateTransferDto) {
    return this.archive.create(user, dto.dossierIds);
  }

  @RequirePermission('dossiers.read')
  @Get()
  list(@CurrentUser() user: AuthUser) {
    return this.archive.list(user);
  }

  @RequirePermission('dossiers.read')
  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.archive.get(user, id);
  }

  @RequirePermission('dossiers.read')
  @Get(':id/package')
  async package(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Res() res: Response) {
    const p = await this.archive.package(user, id);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${p.filename}"`);
    res.send(p.data);
  }

  /** Without a body: the stored package. With an application/zip body: the copy the archivist received. */
  @RequirePermission('archive.manage')
  @Post(':id/verify')
  @HttpCode(200)
  @ApiConsumes('application/zip', 'application/octet-stream')
  async verify(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Req() req: Request) {
    const type = req.headers['content-type'] ?? '';
    const body = /zip|octet-stream/.test(type) ? await readRawBody(req, 2 * 1024 * 1024 * 1024) : undefined;
    return this.archive.verify(user, id, body);
  }

  @RequirePermission('archive.manage')
  @Post(':id/accept')
  @HttpCode(200)
  accept(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.archive.accept(user, id);
  }

  @RequirePermission('archive.manage')
  @Post(':id/reject')
  @HttpCode(200)
  reject(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RejectTransferDto) {
    return this.archive.reject(user, id, dto.reasons);
  }
}
