import { createPrivateKey, createPublicKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import forge from 'node-forge';
import { In } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock, IdGenerator } from '../../common/clock.js';
import { badRequest, notFound, unprocessable } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/index.js';
import { AgencyEntity, RoleAssignmentEntity, UserEntity } from '../organizations/index.js';
import { CaService, newKeyPair } from './ca.service.js';
import { PinGuard } from './pin-guard.js';
import { decryptPrivateKey, deriveKek, encryptPrivateKey, type Kek } from './key-vault.js';
import { SigningCredentialEntity, type CredentialOwnerType } from './signing-credential.entity.js';
import type { CertificateView } from './signing.types.js';
import { derToPem, fromBin, parseCertificate, pemToDer, type NameSpec, type ParsedCertificate } from './x509.js';

export interface Owner {
  type: 'user' | 'agency';
  id: string;
  agencyId: string;
}

/** Who signs in the demo: leaders, deputy leaders and unit heads personally; clerks use the agency key. */
const DEMO_SIGNER_ROLES = ['leader', 'deputy-leader', 'unit-head'] as const;

export function toCertificateView(c: SigningCredentialEntity): CertificateView {
  const cert = parseCertificate(pemToDer(c.certificatePem)[0]);
  return {
    id: c.id,
    ownerType: c.ownerType,
    ownerId: c.ownerId,
    agencyId: c.agencyId,
    subject: c.subject,
    commonName: cert.commonName,
    issuer: c.issuer,
    serialNumber: c.serialNumber,
    fingerprint: c.fingerprint,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status: c.status,
    revokedAt: c.revokedAt ? c.revokedAt.toISOString() : null,
    provider: c.provider,
  };
}

/** Certificates and software keys of users and agencies: issuing (demo CA), PKCS#12 import, revocation. */
@Injectable()
export class CredentialsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly ca: CaService,
    private readonly pins: PinGuard,
  ) {}

  /** The PIN used when none is given: DEMO_PASSWORD with demo data on, otherwise the caller must give one. */
  defaultPin(pin?: string): string {
    if (pin) return pin;
    if (this.config.seedDemo) return this.config.demoPassword;
    throw badRequest('PIN_REQUIRED');
  }

  async subjectOf(owner: Owner): Promise<NameSpec> {
    const agency = await this.tx.manager.findOne(AgencyEntity, { where: { id: owner.agencyId } });
    if (!agency) throw notFound('agency', owner.agencyId);
    if (owner.type === 'agency') return { CN: agency.name, O: agency.name, C: 'VN' };
    const user = await this.tx.manager.findOne(UserEntity, { where: { id: owner.id } });
    if (!user) throw notFound('user', owner.id);
    return { CN: user.fullName, O: agency.name, C: 'VN' };
  }

  /** Key pair + demo-CA certificate + encrypted key, not yet stored. */
  private async prepare(owner: Owner, subject: NameSpec, pin: string | Kek, actorId: string | null) {
    const { privateKey, publicKey } = await newKeyPair();
    const cert = this.ca.issue(subject, publicKey);
    const keyRef = await encryptPrivateKey(privateKey, pin);
    return this.entity(owner, cert, [this.ca.rootCertificate.der], keyRef, 'software', actorId);
  }

  private entity(
    owner: Owner,
    cert: ParsedCertificate,
    chain: Buffer[],
    keyRef: string,
    provider: string,
    actorId: string | null,
  ): SigningCredentialEntity {
    return Object.assign(new SigningCredentialEntity(), {
      id: this.ids.next(),
      ownerType: owner.type,
      ownerId: owner.id,
      agencyId: owner.agencyId,
      provider,
      subject: cert.subject.text.slice(0, 500),
      issuer: cert.issuer.text.slice(0, 500),
      serialNumber: cert.serialHex.slice(0, 64),
      fingerprint: cert.fingerprint,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      certificatePem: [cert.der, ...chain].map(derToPem).join(''),
      keyRef,
      status: 'active',
      revokedAt: null,
      revocationReason: null,
      createdAt: this.clock.now(),
      createdBy: actorId,
    });
  }

  /** Stores new credentials; earlier active ones of the same owner become 'superseded'. Audited. */
  private async store(rows: SigningCredentialEntity[], action: string): Promise<void> {
    await this.tx.run(async (m) => {
      for (const row of rows) {
        await m.update(
          SigningCredentialEntity,
          { ownerType: row.ownerType, ownerId: row.ownerId!, status: 'active' },
          { status: 'superseded' },
        );
        await m.insert(SigningCredentialEntity, row);
        await this.audit.record({
          actorId: row.createdBy,
          agencyId: row.agencyId,
          action,
          entityType: 'signing-credential',
          entityId: row.id,
          data: { ownerType: row.ownerType, ownerId: row.ownerId, subject: row.subject, serial: row.serialNumber },
        });
      }
    });
  }

  async issue(owner: Owner, pin: string, actorId: string | null): Promise<SigningCredentialEntity> {
    const row = await this.prepare(owner, await this.subjectOf(owner), pin, actorId);
    await this.store([row], 'signing.certificate-issued');
    return row;
  }

  /** Demo data (startup, order 20): a key for every agency and every demo signer that has none. Idempotent. */
  async seedDemo(): Promise<number> {
    const have = new Set(
      (
        await this.tx.manager.find(SigningCredentialEntity, { where: { status: 'active' }, select: { ownerId: true } })
      ).map((c) => c.ownerId),
    );
    const agencies = await this.tx.manager.find(AgencyEntity, { where: { active: true } });
    const grants = await this.tx.manager.find(RoleAssignmentEntity, { where: { role: In([...DEMO_SIGNER_ROLES]) } });
    const userIds = [...new Set(grants.map((g) => g.userId))].filter((id) => !have.has(id));
    const users = userIds.length
      ? await this.tx.manager.find(UserEntity, { where: { id: In(userIds), active: true } })
      : [];
    const byId = new Map(agencies.map((a) => [a.id, a]));
    // Every demo key has the same PIN (DEMO_PASSWORD): one scrypt derivation serves the whole batch.
    const pin = await deriveKek(this.config.demoPassword);
    const jobs = [
      ...agencies
        .filter((a) => !have.has(a.id))
        .map((a) =>
          this.prepare({ type: 'agency', id: a.id, agencyId: a.id }, { CN: a.name, O: a.name, C: 'VN' }, pin, null),
        ),
      ...users
        .filter((u) => byId.has(u.agencyId))
        .map((u) =>
          this.prepare(
            { type: 'user', id: u.id, agencyId: u.agencyId },
            { CN: u.fullName, O: byId.get(u.agencyId)!.name, C: 'VN' },
            pin,
            null,
          ),
        ),
    ];
    const rows = await Promise.all(jobs);
    if (rows.length) await this.store(rows, 'signing.certificate-issued');
    return rows.length;
  }

  /** Imports a PKCS#12 (.p12/.pfx) holding an RSA key and its certificate; the key is re-encrypted under `pin`. */
  async importPkcs12(owner: Owner, p12: Buffer, password: string, pin: string, actorId: string) {
    let keyPem: string;
    let certs: ParsedCertificate[];
    try {
      const p = forge.pkcs12.pkcs12FromAsn1(
        forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))),
        password,
      );
      const keyBags = [
        ...(p.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
        ...(p.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
      ];
      const key = keyBags.find((b) => b.key)?.key;
      if (!key) throw new Error('no key');
      keyPem = forge.pki.privateKeyToPem(key);
      certs = (p.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [])
        .filter((b) => b.cert)
        .map((b) => parseCertificate(fromBin(forge.asn1.toDer(forge.pki.certificateToAsn1(b.cert!)).getBytes())));
    } catch {
      throw badRequest('PKCS12_INVALID');
    }
    const privateKey = createPrivateKey(keyPem);
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const leaf = certs.find((c) => c.x509.publicKey.export({ type: 'spki', format: 'der' }).equals(spki));
    if (!leaf) throw badRequest('PKCS12_INVALID');
    const chain = certs.filter((c) => c !== leaf).map((c) => c.der);
    const row = this.entity(owner, leaf, chain, await encryptPrivateKey(privateKey, pin), 'software', actorId);
    await this.store([row], 'signing.certificate-imported');
    return row;
  }

  /** Re-encrypts the holder's software key under a new PIN (the current one must be right: WRONG_PIN). */
  async changePin(credentialId: string, currentPin: string, newPin: string, actorId: string): Promise<void> {
    const c = await this.get(credentialId);
    if (c.provider !== 'software' || !c.keyRef) throw badRequest('PIN_REQUIRED');
    const keyRef0 = c.keyRef;
    const key = await this.pins.run(c.id, () => decryptPrivateKey(keyRef0, currentPin));
    const keyRef = await encryptPrivateKey(key, newPin);
    await this.tx.run(async (m) => {
      await m.update(SigningCredentialEntity, { id: c.id }, { keyRef });
      await this.audit.record({
        actorId,
        agencyId: c.agencyId,
        action: 'signing.pin-changed',
        entityType: 'signing-credential',
        entityId: c.id,
        data: { serial: c.serialNumber },
      });
    });
  }

  async revoke(id: string, reason: string | undefined, actorId: string): Promise<SigningCredentialEntity> {
    return this.tx.run(async (m) => {
      const c = await m.findOne(SigningCredentialEntity, { where: { id } });
      if (!c || c.ownerType === 'ca') throw notFound('certificate', id);
      if (c.status !== 'revoked') {
        c.status = 'revoked';
        c.revokedAt = this.clock.now();
        c.revocationReason = reason ?? null;
        await m.save(c);
        await this.audit.record({
          actorId,
          agencyId: c.agencyId,
          action: 'signing.certificate-revoked',
          entityType: 'signing-credential',
          entityId: c.id,
          data: { serial: c.serialNumber, reason: reason ?? null },
        });
      }
      return c;
    });
  }

  async get(id: string): Promise<SigningCredentialEntity> {
    const c = await this.tx.manager.findOne(SigningCredentialEntity, { where: { id } });
    if (!c) throw notFound('certificate', id);
    return c;
  }

  async list(where: { ownerType?: CredentialOwnerType; ownerId?: string; agencyIds: string[] }) {
    return this.tx.manager.find(SigningCredentialEntity, {
      where: {
        agencyId: In(where.agencyIds),
        ...(where.ownerType ? { ownerType: where.ownerType } : {}),
        ...(where.ownerId ? { ownerId: where.ownerId } : {}),
      },
      order: { createdAt: 'DESC' },
      take: 500,
    });
  }

  /**
   * The credential an owner signs with now: the newest active one. A revoked or expired certificate cannot
   * sign (422); no certificate at all → NO_CERTIFICATE / AGENCY_NO_CERTIFICATE (422).
   */
  async usable(type: 'user' | 'agency', ownerId: string): Promise<SigningCredentialEntity> {
    const rows = await this.tx.manager.find(SigningCredentialEntity, {
      where: { ownerType: type, ownerId },
      order: { createdAt: 'DESC' },
      take: 5,
    });
    const active = rows.find((r) => r.status === 'active');
    if (!active) {
      if (rows.some((r) => r.status === 'revoked')) throw unprocessable('CERTIFICATE_REVOKED');
      throw unprocessable(type === 'user' ? 'NO_CERTIFICATE' : 'AGENCY_NO_CERTIFICATE');
    }
    const now = this.clock.now();
    if (now < active.notBefore || now > active.notAfter) throw unprocessable('CERTIFICATE_EXPIRED');
    return active;
  }

  async lookup(fingerprints: string[]) {
    if (!fingerprints.length) return new Map();
    const rows = await this.tx.manager.find(SigningCredentialEntity, { where: { fingerprint: In(fingerprints) } });
    return new Map(
      rows.map((r) => [r.fingerprint, { ownerType: r.ownerType, status: r.status, revokedAt: r.revokedAt }]),
    );
  }
}
