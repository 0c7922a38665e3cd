import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequirePermission, type AuthUser } from '../auth/index.js';
import { DocumentRecordsService } from './document-records.service.js';
import { CorrectMetadataDto, IncomingDuplicatesQuery } from './dto/document-records.dto.js';

@ApiTags('documents')
@Controller('api/documents')
export class DocumentRecordsController {
  constructor(private readonly records: DocumentRecordsService) {}

  /** Asked by the incoming form before registering: the same letter already received? */
  @RequirePermission('documents.receive')
  @Get('incoming/duplicates')
  duplicates(@CurrentUser() user: AuthUser, @Query() q: IncomingDuplicatesQuery) {
    return this.records.duplicates(user, q);
  }

  @RequirePermission('documents.read')
  @Patch(':id/metadata')
  correct(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CorrectMetadataDto) {
    return this.records.correct(user, id, dto);
  }
}
