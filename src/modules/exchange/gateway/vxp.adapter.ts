import type { ExchangeConfig } from '../../../config/exchange-config.js';
import {
  PermanentSendError,
  type ExchangeGateway,
  type OutgoingPackage,
  type PolledPackage,
} from './exchange-gateway.port.js';

type VxpConfig = NonNullable<ExchangeConfig['vxp']>;
interface VxpAnswer<T> {
  status?: string;
  errorCode?: string;
  errorDesc?: string;
  data?: T;
  docId?: string;
}

/**
 * Client of the national document exchange axis (Trục liên thông văn bản quốc gia), in the service shape of its
 * public SDK samples: sendEdoc, getReceivedEdocList, getEdoc, updateStatus; the system is authenticated by its
 * system id and secret key in every request's headers. The axis itself cannot be reached here: the tests run
 * this client against a stand-in server (test/e2e/exchange-vxp.test.ts), see README.
 */
export class VxpGateway implements ExchangeGateway {
  readonly kind = 'vxp' as const;

  constructor(
    private readonly cfg: VxpConfig,
    private readonly timeoutMs = 30_000,
  ) {}

  private async call<T>(path: string, body: unknown, extra: Record<string, string> = {}): Promise<VxpAnswer<T>> {
    const res = await fetch(`${this.cfg.url}/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        systemid: this.cfg.systemId,
        secret: this.cfg.secret,
        ...extra,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let answer: VxpAnswer<T> = {};
    try {
      answer = JSON.parse(text) as VxpAnswer<T>;
    } catch {
      /* reported below */
    }
    if (res.status === 401 || res.status === 403)
      throw new PermanentSendError(`axis refused credentials (${res.status})`);
    if (!res.ok || answer.status !== 'OK')
      throw new Error(
        `axis ${path}: ${res.status} ${answer.errorCode ?? ''} ${answer.errorDesc ?? text.slice(0, 200)}`,
      );
    return answer;
  }

  async send(p: OutgoingPackage): Promise<void> {
    await this.call(
      'sendEdoc',
      { to: p.peer.organId, content: p.bytes.toString('base64') },
      { from: p.fromOrganId, servicetype: 'eDoc', messagetype: p.kind },
    );
  }

  async poll(): Promise<PolledPackage[]> {
    const out: PolledPackage[] = [];
    for (const messagetype of ['edoc', 'status']) {
      const list = await this.call<{ docId: string }[]>(
        'getReceivedEdocList',
        {},
        { servicetype: 'eDoc', messagetype },
      );
      for (const item of (list.data ?? []).slice(0, 50)) {
        const got = await this.call<{ content: string }>('getEdoc', { docId: item.docId });
        out.push({ remoteId: item.docId, bytes: Buffer.from(got.data?.content ?? '', 'base64') });
      }
    }
    return out;
  }

  async acknowledge(remoteId: string, outcome: 'done' | 'fail', description: string): Promise<void> {
    await this.call('updateStatus', { docId: remoteId, status: outcome, description });
  }
}
