import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pickLang } from '../../common/messages.js';
import { CurrentUser, RequirePermission, type AuthUser } from '../auth/index.js';
import { BoardQuery, CommentDto, CompleteTaskDto, ListTasksQuery, ReassignTaskDto } from './dto/tasks.dto.js';
import { TaskBoardService } from './task-board.service.js';
import { TaskCollaborationService } from './task-collaboration.service.js';
import { TasksService } from './tasks.service.js';

const UPLOAD_LIMIT = { limits: { fileSize: 50 * 1024 * 1024, files: 1 } };

@ApiTags('tasks')
@Controller('api/tasks')
export class TasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly collab: TaskCollaborationService,
    private readonly boards: TaskBoardService,
  ) {}

  @RequirePermission('tasks.use')
  @Get()
  list(@CurrentUser() user: AuthUser, @Query() q: ListTasksQuery) {
    return this.tasks.list(user, q.scope ?? 'mine', q.state ?? 'open', q.limit);
  }

  @RequirePermission('tasks.use')
  @Get('counts')
  counts(@CurrentUser() user: AuthUser) {
    return this.tasks.counts(user);
  }

  /** Leaders and unit heads (the same people who may reassign). */
  @RequirePermission('tasks.reassign')
  @Get('board')
  board(@CurrentUser() user: AuthUser, @Query() q: BoardQuery) {
    return this.boards.board(user, q);
  }

  @RequirePermission('tasks.use')
  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Req() req: Request) {
    return this.tasks.get(user, id, pickLang(req.headers['accept-language']));
  }

  @RequirePermission('tasks.use')
  @Post(':id/claim')
  @HttpCode(200)
  claim(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.tasks.claim(user, id);
  }

  @RequirePermission('tasks.use')
  @Post(':id/unclaim')
  @HttpCode(200)
  unclaim(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.tasks.unclaim(user, id);
  }

  @RequirePermission('tasks.use')
  @Post(':id/complete')
  @HttpCode(200)
  complete(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CompleteTaskDto) {
    return this.tasks.complete(user, id, dto.variables ?? {});
  }

  @RequirePermission('tasks.reassign')
  @Post(':id/reassign')
  @HttpCode(200)
  reassign(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReassignTaskDto) {
    return this.collab.reassign(user, id, dto.userId, 'reassigned');
  }

  @RequirePermission('tasks.reassign')
  @Post(':id/delegate')
  @HttpCode(200)
  delegate(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReassignTaskDto) {
    return this.collab.reassign(user, id, dto.userId, 'delegated');
  }

  @RequirePermission('tasks.use')
  @Get(':id/history')
  history(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.tasks.history(user, id);
  }

  @RequirePermission('tasks.use')
  @Get(':id/comments')
  comments(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.collab.comments(user, id);
  }

  @RequirePermission('tasks.use')
  @Post(':id/comments')
  addComment(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CommentDto) {
    return this.collab.addComment(user, id, dto.text);
  }

  @RequirePermission('tasks.use')
  @Get(':id/attachments')
  attachments(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.collab.attachments(user, id);
  }

  @RequirePermission('tasks.use')
  @Post(':id/attachments')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(FileInterceptor('file', UPLOAD_LIMIT))
  addAttachment(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @UploadedFile() file: Express.Multer.File | undefined,
  ) {
    return this.collab.addAttachment(user, id, file);
  }

  @RequirePermission('tasks.use')
  @Get(':id/attachments/:attachmentId')
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('attachmentId', ParseUUIDPipe) attachmentId: string,
    @Res() res: Response,
  ) {
    const { meta, content } = await this.collab.attachment(user, id, attachmentId);
    res.setHeader('Content-Type', meta.mimeType);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(meta.fileName)}`);
    res.send(content);
  }
}
