/**
 * The Signer port: where a private key lives and how it is used. The PDF and CMS work is ours (cms.ts,
 * pdf-signer.ts); a provider only hands out the certificate chain and signs the CMS signed attributes.
 * Implementations: SoftwareSigner (keys in our DB, AES-256-GCM under a scrypt key derived from the PIN).
 * See SIGNING-PROVIDERS.md for remote signing services and USB tokens (PKCS#11 through a local agent).
 */

/** The stored credential a provider works on (a row of signing_credential, without internals). */
export interface CredentialRef {
  id: string;
  provider: string;
  /** Signer's certificate (DER). */
  certificate: Buffer;
  /** Intermediate certificates, signer's issuer first (DER). */
  chain: Buffer[];
  /** Provider-specific key material or handle: the encrypted key (software), a key id (token, remote service). */
  keyRef: string | null;
}

export interface SignatureRequest {
  /** DER of the CMS SignedAttributes (SET OF Attribute) that the signature covers. */
  data: Buffer;
  /** SHA-256 of `data`: what a hash-signing service (remote signing, PKCS#11 CKM_RSA_PKCS over DigestInfo) signs. */
  digest: Buffer;
  digestAlgorithm: 'sha256';
  /** Shown to the user by providers that ask for a confirmation (mobile remote signing). */
  description: string;
}

export interface SignatureValue {
  /** RSASSA-PKCS1-v1_5 signature, or a DER-encoded ECDSA signature. */
  signature: Buffer;
  algorithm: 'rsa-pkcs1v15-sha256' | 'ecdsa-sha256';
}

export abstract class Signer {
  /** The `provider` value of the credentials this signer handles ('software', 'remote-…', 'pkcs11-agent'). */
  abstract readonly provider: string;

  /**
   * Signs with the credential's key, after checking the secret the user gave (PIN). Must throw
   * DomainError WRONG_PIN (403) for a wrong PIN and never produce a signature then. Remote providers may
   * wait for the user's confirmation here (with their own timeout → SIGNING_PROVIDER_TIMEOUT).
   */
  abstract sign(credential: CredentialRef, pin: string | undefined, request: SignatureRequest): Promise<SignatureValue>;
}
