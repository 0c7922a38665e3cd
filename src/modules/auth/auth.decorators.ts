import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Permission } from './permissions.js';
import type { AuthUser } from './auth-user.js';

export const PUBLIC_KEY = 'hoso:public';
export const PERMISSION_KEY = 'hoso:permission';

/** The route needs no token (login, health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The route needs a valid token and this permission. Every non-public route must declare one. */
export const RequirePermission = (permission: Permission) => {
  const meta = SetMetadata(PERMISSION_KEY, permission);
  const bearer = ApiBearerAuth();
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    meta(target, key as string, descriptor as PropertyDescriptor);
    bearer(target, key as string, descriptor as PropertyDescriptor);
  };
};

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest().user as AuthUser;
});
