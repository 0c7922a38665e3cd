import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/**
 * The installation's exchange key (Ed25519), generated once into DATA_DIR/exchange-key.pem. Packages sent by the
 * `direct` adapter carry a detached signature of their exact bytes made with it; peers hold its public key in
 * their directory (shown at GET /api/exchange/identity) and refuse a package whose sender's key does not verify.
 */
@Injectable()
export class InstallationKey {
  private readonly key: KeyObject;
  readonly publicKeyPem: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const file = join(config.dataDir, 'exchange-key.pem');
    if (!existsSync(file)) {
      const { privateKey } = generateKeyPairSync('ed25519');
      try {
        writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process made it first
      }
    }
    this.key = createPrivateKey(readFileSync(file));
    this.publicKeyPem = createPublicKey(this.key).export({ type: 'spki', format: 'pem' }).toString();
  }

  sign(bytes: Buffer): string {
    return sign(null, bytes, this.key).toString('base64');
  }
}

/** Checks a detached signature against a peer's PEM public key or certificate (false on any malformed input). */
export function verifyDetached(pem: string, bytes: Buffer, signature: string): boolean {
  try {
    const key = createPublicKey(pem);
    const sig = Buffer.from(signature, 'base64');
    const algorithm = key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';
    return verify(algorithm, bytes, key, sig);
  } catch {
    return false;
  }
}

/** A PEM the directory can use (public key or certificate), or null. */
export function usablePublicKey(pem: string): boolean {
  try {
    createPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}
