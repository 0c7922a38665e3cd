import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error.js';
import { SoftwareSigner } from './software-signer.js';
import type { Signer } from './signer.port.js';

/**
 * Providers by name (the `provider` column of a credential). The software signer is built in; a remote
 * signing service or a PKCS#11 agent registers itself here (SigningModule consumers: `registry.register(x)`).
 */
@Injectable()
export class SignerRegistry {
  private readonly signers = new Map<string, Signer>([['software', new SoftwareSigner()]]);

  register(signer: Signer): void {
    this.signers.set(signer.provider, signer);
  }

  get(provider: string): Signer {
    const s = this.signers.get(provider);
    if (!s) throw new DomainError('SIGNING_PROVIDER_UNAVAILABLE', 'unavailable', { provider });
    return s;
  }
}
