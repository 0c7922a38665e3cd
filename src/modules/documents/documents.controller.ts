import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, RequirePermission, type AuthUser } from '../auth/index.js';
import { DOCUMENT_TYPES } from './document-types.js';
import { DocumentPdfService } from './document-pdf.service.js';
import { DocumentQueryService } from './document-query.service.js';
import { DocumentsService } from './documents.service.js';
import {
  CreateIncomingDto,
  CreateOutgoingDto,
  ListDocumentsQuery,
  ShareDocumentDto,
  UploadVersionDto,
} from './dto/documents.dto.js';

// Uploads are capped by multer before anything is stored: a larger body is refused with 413 (UPLOAD_MAX_MB, 25 MB).
const UPLOAD_LIMIT = { limits: { fileSize: Number(process.env.UPLOAD_MAX_MB ?? 25) * 1024 * 1024, files: 1 } };

@ApiTags('documents')
@Controller('api')
export class DocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly query: DocumentQueryService,
    private readonly pdfs: DocumentPdfService,
  ) {}

  @RequirePermission('documents.read')
  @Get('document-types')
  types() {
    return DOCUMENT_TYPES;
  }

  @RequirePermission('documents.draft')
  @Post('documents/outgoing')
  createOutgoing(@CurrentUser() user: AuthUser, @Body() dto: CreateOutgoingDto) {
    return this.documents.createOutgoing(user, dto);
  }

  @RequirePermission('documents.receive')
  @Post('documents/incoming')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateIncomingDto })
  @UseInterceptors(FileInterceptor('file', UPLOAD_LIMIT))
  createIncoming(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateIncomingDto,
    @UploadedFile() file?: Express.Multer.File,
  ) {
    return this.documents.createIncoming(user, dto, file);
  }

  @RequirePermission('documents.read')
  @Get('documents')
  list(@CurrentUser() user: AuthUser, @Query() q: ListDocumentsQuery) {
    return this.query.list(user, q);
  }

  @RequirePermission('documents.read')
  @Get('documents/:id')
  detail(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.query.detail(user, id);
  }

  @RequirePermission('documents.read')
  @Get('documents/:id/pdf')
  @ApiProduces('application/pdf')
  async pdf(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Res() res: Response) {
    const out = await this.pdfs.pdf(user, id);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="${out.fileName}"`);
    res.send(out.content);
  }

  @RequirePermission('documents.read')
  @Get('documents/:id/signatures')
  signatures(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.pdfs.signatures(user, id);
  }

  @RequirePermission('documents.read')
  @Get('documents/:id/history')
  history(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.query.history(user, id);
  }

  @RequirePermission('documents.read')
  @Get('documents/:id/recipients')
  recipients(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.query.recipients(user, id);
  }

  @RequirePermission('documents.draft')
  @Post('documents/:id/versions')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileInterceptor('file', UPLOAD_LIMIT))
  addVersion(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UploadVersionDto,
    @UploadedFile() file?: Express.Multer.File,
  ) {
    return this.documents.addVersion(user, id, file, dto.role ?? 'draft', dto.note);
  }

  @RequirePermission('documents.read')
  @Post('documents/:id/share')
  share(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ShareDocumentDto) {
    return this.documents.share(user, id, dto.userIds);
  }
}
