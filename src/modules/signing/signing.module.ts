import { Module } from '@nestjs/common';
import { CaService } from './ca.service.js';
import { CredentialsService } from './credentials.service.js';
import { PinGuard } from './pin-guard.js';
import { PkiController, PkiService } from './pki.controller.js';
import { SignerRegistry } from './signer-registry.js';
import { SigningBootstrapService } from './signing-bootstrap.service.js';
import { SigningController } from './signing.controller.js';
import { SigningService } from './signing.service.js';
import { TimestampService } from './tsa-authority.js';

@Module({
  controllers: [SigningController, PkiController],
  providers: [
    CaService,
    CredentialsService,
    SignerRegistry,
    PinGuard,
    SigningService,
    SigningBootstrapService,
    TimestampService,
    PkiService,
  ],
  exports: [SigningService, SignerRegistry, TimestampService, CaService, PkiService],
})
export class SigningModule {}
