import { Module } from '@nestjs/common';
import { CaService } from './ca.service.js';
import { CredentialsService } from './credentials.service.js';
import { PinGuard } from './pin-guard.js';
import { SignerRegistry } from './signer-registry.js';
import { SigningBootstrapService } from './signing-bootstrap.service.js';
import { SigningController } from './signing.controller.js';
import { SigningService } from './signing.service.js';

@Module({
  controllers: [SigningController],
  providers: [CaService, CredentialsService, SignerRegistry, PinGuard, SigningService, SigningBootstrapService],
  exports: [SigningService, SignerRegistry],
})
export class SigningModule {}
