import { InstallationKey } from '../installation-key.js';
import { PermanentSendError, type ExchangeGateway, type OutgoingPackage } from './exchange-gateway.port.js';

export const EDXML_MEDIA_TYPE = 'application/edxml+xml';
export const SIGNATURE_HEADER = 'x-edxml-signature';

/**
 * hoso to hoso: POST of the package to the peer's exchange endpoint with a detached Ed25519 signature of its
 * bytes (header X-Edxml-Signature), checked there against the key its directory holds for the sending organ.
 * Transport security is HTTPS (a `https://` endpoint); authenticity does not depend on it.
 */
export class DirectGateway implements ExchangeGateway {
  readonly kind = 'direct' as const;

  constructor(
    private readonly key: InstallationKey,
    private readonly timeoutMs = 30_000,
  ) {}

  async send(p: OutgoingPackage): Promise<void> {
    if (!p.peer.endpointUrl) throw new PermanentSendError(`no endpoint for ${p.peer.organId}`);
    const res = await fetch(p.peer.endpointUrl, {
      method: 'POST',
      headers: { 'content-type': EDXML_MEDIA_TYPE, [SIGNATURE_HEADER]: this.key.sign(p.bytes) },
      body: p.bytes,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.ok) {
      await res.arrayBuffer();
      return;
    }
    const text = (await res.text()).slice(0, 500);
    const message = `${p.peer.endpointUrl} answered ${res.status}: ${text}`;
    // the peer judged the package itself: sending the same bytes again cannot help (408/429/5xx can)
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
      throw new PermanentSendError(message);
    throw new Error(message);
  }
}
