import { createCipheriv, createDecipheriv, createPrivateKey, KeyObject, randomBytes, scrypt } from 'node:crypto';
import { DomainError } from '../../common/domain-error.js';

/**
 * Private keys at rest: PKCS#8 DER encrypted with AES-256-GCM under a key derived from the PIN by scrypt
 * (N=2^15, r=8, p=1: ~60 ms per unlock, 32 MB). The parameters are stored with each key so they can be
 * raised later without breaking existing keys. A wrong PIN fails the GCM tag check: WRONG_PIN, nothing signed.
 */
export interface EncryptedKey {
  v: 1;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  alg: 'aes-256-gcm';
  iv: string;
  tag: string;
  data: string;
}

const PARAMS = { N: 1 << 15, r: 8, p: 1 };

function derive(pin: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin.normalize('NFC'), salt, 32, { ...p, maxmem: 256 * p.N * p.r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** A key-encryption key derived from a PIN, reusable for a batch of keys under the same PIN (demo seeding). */
export interface Kek {
  salt: Buffer;
  kek: Buffer;
}

export async function deriveKek(pin: string): Promise<Kek> {
  const salt = randomBytes(16);
  return { salt, kek: await derive(pin, salt, PARAMS) };
}

export async function encryptPrivateKey(key: KeyObject, pin: string | Kek): Promise<string> {
  const { salt, kek } = typeof pin === 'string' ? await deriveKek(pin) : pin;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  const der = key.export({ format: 'der', type: 'pkcs8' });
  const data = Buffer.concat([cipher.update(der), cipher.final()]);
  const out: EncryptedKey = {
    v: 1,
    kdf: 'scrypt',
    ...PARAMS,
    salt: salt.toString('base64'),
    alg: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return JSON.stringify(out);
}

export async function decryptPrivateKey(stored: string, pin: string): Promise<KeyObject> {
  const k = JSON.parse(stored) as EncryptedKey;
  const kek = await derive(pin, Buffer.from(k.salt, 'base64'), k);
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(k.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(k.tag, 'base64'));
  let der: Buffer;
  try {
    der = Buffer.concat([decipher.update(Buffer.from(k.data, 'base64')), decipher.final()]);
  } catch {
    throw new DomainError('WRONG_PIN', 'forbidden');
  }
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}
