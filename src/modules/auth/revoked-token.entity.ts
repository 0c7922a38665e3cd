import { Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/columns.js';

/** Tokens ended by logout before their expiry. Rows past expiresAt are purged. */
@Entity('revoked_token')
export class RevokedTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  jti: string;

  @Index()
  @TimestampColumn()
  expiresAt: Date;
}
