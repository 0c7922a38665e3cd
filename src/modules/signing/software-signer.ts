import { sign } from 'node:crypto';
import { badRequest } from '../../common/domain-error.js';
import { decryptPrivateKey } from './key-vault.js';
import { Signer, type CredentialRef, type SignatureRequest, type SignatureValue } from './signer.port.js';

/** Keys kept in our database, encrypted under the holder's PIN, unlocked for one signature and dropped. */
export class SoftwareSigner extends Signer {
  readonly provider = 'software';

  async sign(credential: CredentialRef, pin: string | undefined, request: SignatureRequest): Promise<SignatureValue> {
    if (!pin) throw badRequest('PIN_REQUIRED');
    if (!credential.keyRef) throw badRequest('NO_CERTIFICATE');
    const key = await decryptPrivateKey(credential.keyRef, pin);
    const ec = key.asymmetricKeyType === 'ec';
    // node:crypto hashes `data` with SHA-256 itself: RSASSA-PKCS1-v1_5 for RSA keys, DER ECDSA for EC keys.
    return { signature: sign('sha256', request.data, key), algorithm: ec ? 'ecdsa-sha256' : 'rsa-pkcs1v15-sha256' };
  }
}
