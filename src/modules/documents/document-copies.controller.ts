import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, RequirePermission, type AuthUser } from '../auth/index.js';
import { DocumentCopiesService } from './document-copies.service.js';
import { CreateCopyDto } from './dto/document-copies.dto.js';

@ApiTags('documents')
@Controller('api')
export class DocumentCopiesController {
  constructor(private readonly copies: DocumentCopiesService) {}

  /** Sao y / sao lục / trích sao of an issued or received document (Decree 30/2020, art. 25–27). */
  @RequirePermission('documents.issue')
  @Post('documents/:id/copies')
  create(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateCopyDto) {
    return this.copies.create(user, id, dto);
  }

  @RequirePermission('documents.read')
  @Get('documents/:id/copies')
  list(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.copies.list(user, id);
  }

  @RequirePermission('documents.read')
  @Get('document-copies/:copyId/pdf')
  @ApiProduces('application/pdf')
  async pdf(@CurrentUser() user: AuthUser, @Param('copyId', ParseUUIDPipe) copyId: string, @Res() res: Response) {
    const f = await this.copies.pdf(user, copyId);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="${f.filename}"`);
    res.send(f.data);
  }
}
