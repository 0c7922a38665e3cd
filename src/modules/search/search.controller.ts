import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequirePermission, type AuthUser } from '../auth/index.js';
import { SearchQuery } from './search.dto.js';
import { SearchService } from './search.service.js';

@ApiTags('search')
@Controller('api')
export class SearchController {
  constructor(private readonly searchService: SearchService) {}

  /** Documents of the caller's agency whose subject or content matches `q`, newest first, with snippets by page. */
  @RequirePermission('documents.read')
  @Get('search')
  search(@CurrentUser() user: AuthUser, @Query() q: SearchQuery) {
    return this.searchService.search(user, q);
  }
}
