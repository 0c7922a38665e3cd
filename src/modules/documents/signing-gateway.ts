import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DomainError } from '../../common/domain-error.js';
import { SigningService } from '../signing/index.js';

/** SigningService found lazily (DocumentsModule does not import SigningModule; no module cycle either way). */
@Injectable()
export class SigningGateway {
  constructor(private readonly moduleRef: ModuleRef) {}

  get(): SigningService {
    try {
      return this.moduleRef.get(SigningService, { strict: false });
    } catch {
      throw new DomainError('SIGNING_UNAVAILABLE', 'unavailable');
    }
  }
}
