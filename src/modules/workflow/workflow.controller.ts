import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
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
import {
  AgencyQuery,
  ListIncidentsQuery,
  ListInstancesQuery,
  PROCESS_ID,
  StartInstanceDto,
  XmlQuery,
} from './dto/workflow.dto.js';
import { WorkflowDefinitionsService } from './workflow-definitions.service.js';
import { WorkflowService } from './workflow.service.js';

const bpmnText = (req: Request, file?: Express.Multer.File): string =>
  file ? file.buffer.toString('utf8') : typeof req.body === 'string' ? req.body : '';

const processIdParam = (id: string) => {
  if (!PROCESS_ID.test(id)) throw badRequest('VALIDATION_FAILED', { fields: 'processId' });
  return id;
};

@ApiTags('workflow')
@Controller('api/workflow')
export class WorkflowController {
  constructor(
    private readonly workflow: WorkflowService,
    private readonly definitionsRead: WorkflowDefinitionsService,
  ) {}

  /** Per process id, the definition the caller's agency (or `agencyId`, one they administer) runs, and its owner. */
  @RequirePermission('workflow.read')
  @Get('definitions')
  definitions(@CurrentUser() user: AuthUser, @Query() q: AgencyQuery) {
    return this.definitionsRead.latest(user, q.agencyId);
  }

  /**
   * Deploys a new version (BPMN XML body or multipart field `file`) owned by the caller's agency, or by `agencyId`
   * when the caller administers it; invalid or against the deploy policy → 400 BPMN_INVALID with `errors`.
   */
  @RequirePermission('workflow.deploy')
  @Post('definitions')
  @ApiConsumes('application/xml', 'multipart/form-data')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 10 * 1024 * 1024 } }))
  deploy(
    @CurrentUser() user: AuthUser,
    @Req() req: Request,
    @Query() q: AgencyQuery,
    @UploadedFile() file?: Express.Multer.File,
  ) {
    return this.workflow.deploy(user, bpmnText(req, file), q.agencyId);
  }

  /** Validation only: 200 `{ valid, errors }` (the editor's "check" button). */
  @RequirePermission('workflow.deploy')
  @Post('definitions/validate')
  @HttpCode(200)
  @ApiConsumes('application/xml', 'multipart/form-data')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 10 * 1024 * 1024 } }))
  validate(@Req() req: Request, @UploadedFile() file?: Express.Multer.File) {
    return this.workflow.validate(bpmnText(req, file));
  }

  @RequirePermission('workflow.read')
  @Get('definitions/:processId/versions')
  versions(@CurrentUser() user: AuthUser, @Param('processId') processId: string) {
    return this.definitionsRead.versions(user, processIdParam(processId));
  }

  @RequirePermission('workflow.read')
  @Get('definitions/:processId/xml')
  @Header('Content-Type', 'application/xml; charset=utf-8')
  xml(@CurrentUser() user: AuthUser, @Param('processId') processId: string, @Query() q: XmlQuery) {
    return this.definitionsRead.xml(user, processIdParam(processId), q.version, q.agencyId);
  }

  @RequirePermission('workflow.start')
  @Post('instances')
  start(@CurrentUser() user: AuthUser, @Body() dto: StartInstanceDto) {
    return this.workflow.start(user, dto);
  }

  @RequirePermission('workflow.read')
  @Get('instances')
  list(@CurrentUser() user: AuthUser, @Query() q: ListInstancesQuery) {
    return this.workflow.list(user, q);
  }

  @RequirePermission('workflow.read')
  @Get('instances/:id')
  detail(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.workflow.detail(user, id);
  }

  @RequirePermission('workflow.cancel')
  @Post('instances/:id/cancel')
  @HttpCode(200)
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.workflow.cancel(user, id);
  }

  @RequirePermission('workflow.cancel')
  @Get('incidents')
  incidents(@CurrentUser() user: AuthUser, @Query() q: ListIncidentsQuery) {
    return this.workflow.incidents(user, q);
  }

  @RequirePermission('workflow.cancel')
  @Post('incidents/:id/retry')
  @HttpCode(200)
  retry(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.workflow.retry(user, id);
  }
}
