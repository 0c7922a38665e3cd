import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, Public, RequirePermission } from './auth.decorators.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { badRequest } from '../../common/domain-error.js';
import { ChangePasswordDto, DownloadTicketDto, LoginDto } from './dto/auth.dto.js';
import { TokenService } from './token.service.js';
import './auth.messages.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() dto: LoginDto, @Req() req: Request) {
    return this.auth.login(dto.username, dto.password, req.ip ?? 'unknown');
  }

  @RequirePermission('tasks.use')
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentUser() user: AuthUser): Promise<void> {
    await this.auth.logout(user);
  }

  @RequirePermission('tasks.use')
  @Get('me')
  me(@CurrentUser() user: AuthUser) {
    return {
      id: user.id,
      username: user.username,
      fullName: user.fullName,
      title: user.title,
      agencyId: user.agencyId,
      unitId: user.unitId,
      roles: user.roleNames,
      grants: user.roles,
      permissions: [...user.permissions],
    };
  }

  @RequirePermission('tasks.use')
  @Post('password')
  @HttpCode(204)
  async changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(user, dto.currentPassword, dto.newPassword);
  }

  /**
   * A download ticket for one GET path (a PDF, a file, an export): the web app puts it in links the browser
   * opens itself, instead of the session token. Good for that path only, for a minute, while the session lasts.
   */
  @RequirePermission('tasks.use')
  @Post('download-tickets')
  @HttpCode(201)
  downloadTicket(@CurrentUser() user: AuthUser, @Body() dto: DownloadTicketDto) {
    const url = new URL(dto.path, 'http://hoso.invalid');
    // one normalised object path, never a ticket for the auth routes themselves
    if (url.pathname !== dto.path.split('?')[0] || url.pathname.startsWith('/api/auth/') || !user.jti)
      throw badRequest('TICKET_BAD_PATH', {}, { field: 'path' });
    url.searchParams.delete('ticket');
    const { ticket, expiresAt } = this.tokens.issueTicket({ ...user, jti: user.jti }, url.pathname);
    url.searchParams.set('ticket', ticket);
    return { url: url.pathname + url.search, expiresAt: expiresAt.toISOString() };
  }
}
