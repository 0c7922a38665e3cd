import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { PolicyService } from './policy.service.js';
import { ConfidentialityService } from './confidentiality.service.js';
import { TokenService } from './token.service.js';

@Global()
@Module({
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    PolicyService,
    ConfidentialityService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, PolicyService, TokenService, ConfidentialityService],
})
export class AuthModule {}
