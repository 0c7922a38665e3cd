import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError, forbidden } from '../../common/domain-error.js';
import { PERMISSION_KEY, PUBLIC_KEY } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import type { Permission } from './permissions.js';

/**
 * Global guard. A route is either @Public() or declares @RequirePermission(...); a route that declares
 * neither is refused (fail closed) and the route-walk test names it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    const req = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const header = req.headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    // No credential in a URL (history, logs, Referer): links the browser opens itself (PDFs, files, exports)
    // carry a download ticket instead, good for that one path, a minute, and only for reading.
    const ticket = !token && req.method === 'GET' && typeof req.query?.ticket === 'string' ? req.query.ticket : null;
    if (!token && !ticket) throw new DomainError('UNAUTHENTICATED', 'unauthorized');
    const user = token ? await this.auth.authenticate(token) : await this.auth.authenticateTicket(ticket!, req.path);
    // the ticket is not a query parameter of the route (whose DTO would refuse an unknown one): taken off the URL
    if (ticket) req.url = withoutTicket(req.url);
    req.user = user;
    if (!permission) throw forbidden('ROUTE_WITHOUT_PERMISSION');
    if (!user.permissions.has(permission)) throw forbidden();
    return true;
  }
}

function withoutTicket(url: string): string {
  const u = new URL(url, 'http://hoso.invalid');
  u.searchParams.delete('ticket');
  return u.pathname + u.search;
}
