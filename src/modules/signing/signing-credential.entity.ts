import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, LongTextColumn, TimestampColumn } from '../../database/columns.js';

export type CredentialOwnerType = 'user' | 'agency' | 'ca';
export type CredentialStatus = 'active' | 'revoked' | 'superseded';

/**
 * A certificate and, for software keys, its private key encrypted at rest (AES-256-GCM under a key derived
 * from the holder's PIN by scrypt; see key-vault.ts). Users sign with their own; the agency key is held by the
 * agency and used by its clerks (Decree 30/2020, art. 33). Demo root CA rows have ownerType 'ca' and no key here.
 */
@Entity('signing_credential')
@Index(['ownerType', 'ownerId', 'status'])
@Index(['serialNumber'])
export class SigningCredentialEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 10 })
  ownerType: CredentialOwnerType;

  /** User id or agency id (null for a CA). */
  @IdColumn({ nullable: true })
  ownerId: string | null;

  @IdColumn({ nullable: true })
  agencyId: string | null;

  /** 'software', or the name of a remote / token provider (SIGNING-PROVIDERS.md). */
  @Column({ type: 'varchar', length: 40 })
  provider: string;

  @Column({ type: 'varchar', length: 500 })
  subject: string;

  @Column({ type: 'varchar', length: 500 })
  issuer: string;

  @Column({ type: 'varchar', length: 64 })
  serialNumber: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  @TimestampColumn()
  notBefore: Date;

  @TimestampColumn()
  notAfter: Date;

  /** The certificate, then its intermediates (PEM). */
  @LongTextColumn()
  certificatePem: string;

  /** Software: encrypted PKCS#8 key (JSON); token / remote: the provider's key handle; CA: null. */
  @LongTextColumn({ nullable: true })
  keyRef: string | null;

  @Column({ type: 'varchar', length: 12 })
  status: CredentialStatus;

  @TimestampColumn({ nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  revocationReason: string | null;

  @TimestampColumn()
  createdAt: Date;

  @IdColumn({ nullable: true })
  createdBy: string | null;
}
