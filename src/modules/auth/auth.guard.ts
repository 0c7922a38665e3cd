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
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const token =
      match?.[1] ??
      (typeof req.query?.access_token === 'string' && req.method === 'GET' ? req.query.access_token : undefined);
    if (!token) throw new DomainError('UNAUTHENTICATED', 'unauthorized');
    const user = await this.auth.authenticate(token);
    req.user = user;
    if (!permission) throw forbidden('ROUTE_WITHOUT_PERMISSION');
    if (!user.permissions.has(permission)) throw forbidden();
    return true;
  }
}
