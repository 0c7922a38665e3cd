import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, JsonColumn, LongTextColumn, TimestampColumn } from '../../database/columns.js';

export type ExchangeAdapterKind = 'direct' | 'vxp';

/**
 * The exchange directory: an agency (OrganId) that lives in another installation, and how to reach it. An agency
 * of this installation that has an entry here is "external": documents to it go through the exchange.
 */
@Entity('exchange_peer')
export class ExchangePeerEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 13 })
  organId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 10 })
  adapter: ExchangeAdapterKind;

  /** direct: the peer installation's exchange endpoint (…/api/exchange/packages). */
  @Column({ type: 'varchar', length: 500, default: '' })
  endpointUrl: string;

  /** direct: PEM certificate or public key the peer signs its packages with. */
  @LongTextColumn({ nullable: true })
  publicKey: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @TimestampColumn()
  updatedAt: Date;
}

export type OutboxKind = 'edoc' | 'status';
export type OutboxState = 'pending' | 'sent' | 'failed';

/**
 * Durable outbox of packages to send, written in the transaction of the event that causes them (issuance, a
 * status change, a decision): issuance never waits on the network, a failed send is retried with backoff.
 */
@Entity('exchange_outbox')
@Index(['state', 'nextAttemptAt'])
@Index(['documentId'])
export class ExchangeOutboxEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The package is queued at most once per key (document, target, kind, sequence). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 200 })
  dedupeKey: string;

  @IdColumn()
  agencyId: string;

  /** edoc: the outgoing document; status: the incoming document the status is about. */
  @IdColumn()
  documentId: string;

  @Column({ type: 'varchar', length: 10 })
  kind: OutboxKind;

  @Column({ type: 'varchar', length: 13 })
  fromOrganId: string;

  @Column({ type: 'varchar', length: 13 })
  targetOrganId: string;

  /** edoc: new / recall / update / replace. */
  @Column({ type: 'varchar', length: 10, default: 'new' })
  businessKind: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  reason: string;

  /** status: the code and the remote DocumentId it answers. */
  @Column({ type: 'varchar', length: 2, nullable: true })
  statusCode: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  remoteDocumentId: string | null;

  @JsonColumn({ nullable: true })
  staff: Record<string, string> | null;

  /** The package as first built (stored content); retries send the same bytes. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  packageSha256: string | null;

  @Column({ type: 'varchar', length: 10 })
  state: OutboxState;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @TimestampColumn()
  nextAttemptAt: Date;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  lastError: string | null;

  @TimestampColumn({ nullable: true })
  sentAt: Date | null;

  @TimestampColumn()
  createdAt: Date;
}

export type ReceivedState = 'received' | 'registered' | 'returned' | 'pending' | 'agreed' | 'refused' | 'cancelled';

/** A package received from another installation: the incoming document it became, or the request it carries. */
@Entity('exchange_received')
@Index(['agencyId', 'state'])
@Index(['documentId'])
export class ExchangeReceivedEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** new: recipient + sender + DocumentId (the same document stored once); others: + the package digest. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 300 })
  dedupeKey: string;

  @IdColumn()
  agencyId: string;

  @Column({ type: 'varchar', length: 13 })
  recipientOrganId: string;

  @Column({ type: 'varchar', length: 13 })
  senderOrganId: string;

  @Column({ type: 'varchar', length: 200 })
  senderName: string;

  @Column({ type: 'varchar', length: 200 })
  remoteDocumentId: string;

  @Column({ type: 'varchar', length: 10 })
  businessKind: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  reason: string;

  @Column({ type: 'varchar', length: 64 })
  packageSha256: string;

  /** The incoming document (new), or the one a recall / update / replace is about. */
  @IdColumn({ nullable: true })
  documentId: string | null;

  @Column({ type: 'varchar', length: 12 })
  state: ReceivedState;

  /** PAdES verification of the received PDF, shown to the clerk. */
  @JsonColumn({ nullable: true })
  signatures: unknown[] | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  decisionNote: string | null;

  @IdColumn({ nullable: true })
  decidedBy: string | null;

  @TimestampColumn({ nullable: true })
  decidedAt: Date | null;

  @TimestampColumn()
  receivedAt: Date;
}

/** Sender side: each status a recipient sent back for an outgoing document (the recipient's timeline). */
@Entity('exchange_status')
@Index(['documentId'])
export class ExchangeStatusEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  packageSha256: string;

  @IdColumn()
  documentId: string;

  @Column({ type: 'varchar', length: 13 })
  organId: string;

  @Column({ type: 'varchar', length: 2 })
  statusCode: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  description: string;

  @JsonColumn({ nullable: true })
  staff: Record<string, string> | null;

  /** When the recipient says it happened. */
  @Column({ type: 'varchar', length: 40, default: '' })
  timestamp: string;

  @TimestampColumn()
  receivedAt: Date;
}
