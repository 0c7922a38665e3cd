import { Module } from '@nestjs/common';
import { DocumentAccessPolicy } from '../auth/index.js';
import { SearchController } from './search.controller.js';
import { SearchService } from './search.service.js';

/** Full-text search over documents' metadata and the text of their stored files (see content-index.ts). */
@Module({
  controllers: [SearchController],
  providers: [SearchService, DocumentAccessPolicy],
})
export class SearchModule {}
