import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
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
import { CurrentUser, RequirePermission } from '../auth/auth.decorators.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CsvImportService, type ImportKind } from './csv-import.service.js';
import {
  CreateAgencyDto,
  CreateUnitDto,
  CreateUserDto,
  ListUsersQuery,
  MergeAgencyDto,
  MoveAgencyDto,
  UpdateAgencyDto,
  ResetPasswordDto,
  UpdateUserDto,
} from './dto/organizations.dto.js';
import { OrganizationsService, toAgencyView } from './organizations.service.js';
import { ExpensiveWork } from '../../common/expensive-work.js';

@ApiTags('organizations')
@Controller('api')
export class OrganizationsController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly csv: CsvImportService,
  ) {}

  @RequirePermission('users.read')
  @Get('agencies')
  agencies(@Query('includeInactive') includeInactive?: string) {
    return this.orgs.agencyTree(includeInactive === 'true');
  }

  @RequirePermission('users.read')
  @Get('agencies/:id')
  async agency(@Param('id', ParseUUIDPipe) id: string) {
    return toAgencyView(await this.orgs.getAgency(id));
  }

  @RequirePermission('users.read')
  @Get('agencies/:id/history')
  history(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.orgs.agencyHistory(user, id);
  }

  @RequirePermission('organizations.manage')
  @Post('agencies')
  async createAgency(@CurrentUser() user: AuthUser, @Body() dto: CreateAgencyDto) {
    return toAgencyView(await this.orgs.createAgency(user, dto));
  }

  @RequirePermission('organizations.manage')
  @Patch('agencies/:id')
  async updateAgency(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateAgencyDto,
  ) {
    return toAgencyView(await this.orgs.updateAgency(user, id, dto));
  }

  @RequirePermission('organizations.manage')
  @Post('agencies/:id/move')
  async move(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: MoveAgencyDto) {
    return toAgencyView(await this.orgs.moveAgency(user, id, dto.parentId));
  }

  @RequirePermission('organizations.manage')
  @Post('agencies/:id/merge')
  async merge(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: MergeAgencyDto) {
    return toAgencyView(await this.orgs.mergeAgency(user, id, dto.intoId));
  }

  @RequirePermission('users.read')
  @Get('agencies/:id/units')
  units(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.orgs.listUnits(user, id);
  }

  @RequirePermission('organizations.manage')
  @Post('agencies/:id/units')
  createUnit(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateUnitDto) {
    return this.orgs.createUnit(user, id, dto);
  }

  @RequirePermission('users.read')
  @Get('users')
  users(@CurrentUser() user: AuthUser, @Query() q: ListUsersQuery) {
    return this.orgs.listUsers(user, q);
  }

  @RequirePermission('users.read')
  @Get('users/:id')
  user(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.orgs.getUser(user, id);
  }

  @RequirePermission('organizations.manage')
  @Post('users')
  createUser(@CurrentUser() user: AuthUser, @Body() dto: CreateUserDto) {
    return this.orgs.createUser(user, dto);
  }

  @RequirePermission('organizations.manage')
  @Patch('users/:id')
  updateUser(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.orgs.updateUser(user, id, dto);
  }

  @RequirePermission('organizations.manage')
  @Post('users/:id/password')
  @HttpCode(204)
  async resetPassword(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ResetPasswordDto,
  ): Promise<void> {
    await this.orgs.resetPassword(user, id, dto.newPassword);
  }

  /**
   * CSV import of agencies, units or users (`text/csv` body or multipart field `file`). `?dryRun=true` only checks.
   * Any bad row → 400 with `errors: [{ row, field, message }]` and nothing imported.
   */
  @RequirePermission('organizations.manage')
  @Post('organizations/import/:kind')
  @ApiConsumes('text/csv', 'multipart/form-data')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 20 * 1024 * 1024 } }))
  import(
    @CurrentUser() user: AuthUser,
    @Param('kind') kind: string,
    @Req() req: Request,
    @UploadedFile() file?: Express.Multer.File,
    @Query('dryRun') dryRun?: string,
  ) {
    if (!['agencies', 'units', 'users'].includes(kind))
      throw badRequest('VALIDATION_FAILED', { fields: 'kind (agencies, units, users)' });
    const text = file
      ? file.buffer.toString('utf8')
      : typeof req.body === 'string'
        ? req.body
        : Buffer.isBuffer(req.body)
          ? req.body.toString('utf8')
          : '';
    if (!text) throw badRequest('IMPORT_UNREADABLE', { reason: 'send text/csv or a multipart field "file"' });
    return ExpensiveWork.run(() => this.csv.import(user, kind as ImportKind, text, dryRun === 'true'));
  }
}
