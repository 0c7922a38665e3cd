import type { ExchangeAdapterKind, ExchangePeerEntity } from '../exchange.entity.js';

export interface OutgoingPackage {
  peer: ExchangePeerEntity;
  fromOrganId: string;
  kind: 'edoc' | 'status';
  bytes: Buffer;
}

export interface PolledPackage {
  /** The axis's id of the package, given back to acknowledge it. */
  remoteId: string;
  bytes: Buffer;
}

/** A send that will not succeed by trying again (the peer refused the package itself). */
export class PermanentSendError extends Error {}

/**
 * How packages leave and, for a polling transport, arrive. `direct` pushes to the peer installation's endpoint;
 * `vxp` talks to the national axis (send, list received, fetch, update delivery status).
 */
export interface ExchangeGateway {
  readonly kind: ExchangeAdapterKind;
  /** Resolves once the other side has taken the package; throws otherwise (PermanentSendError: do not retry). */
  send(p: OutgoingPackage): Promise<void>;
  /** Packages waiting for us (polling transports only). */
  poll?(): Promise<PolledPackage[]>;
  /** Tells the transport what became of a polled package. */
  acknowledge?(remoteId: string, outcome: 'done' | 'fail', description: string): Promise<void>;
}
