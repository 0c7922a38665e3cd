import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { TestApp } from '../support/test-app.js';
import { docsApi } from './documents.helpers.js';

export const SNV = '000.01.00.H42';
export const THACH_KIM = '000.00.31.H42';
export const PIN = 'hoso-demo';

/** Polls `probe` until it returns a truthy value (or fails after `ms`, with the last value in the message). */
export async function until<T>(what: string, probe: () => Promise<T>, ms = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A TCP relay in front of a server, to take a peer "down" (connections refused) and bring it back on the same
 * port without touching the server behind it.
 */
export class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: number) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = null;
  }
}

/** Drives an outgoing document of Sở Nội vụ from draft to issued, through the public API. */
export async function issueOutgoing(t: TestApp, subject: string, recipientAgencyIds: string[]): Promise<string> {
  const api = docsApi(t);
  const signer = await api.me('snv.giamdoc');
  const res = await t.request('POST', '/api/documents/outgoing', {
    as: 'snv.cv',
    body: { typeCode: 'CV', subject, signerId: signer.id, recipientAgencyIds },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const id = res.body.id as string;
  await api.complete('snv.cv', id, 'draft', { comment: 'Kính trình' });
  await api.complete('snv.tp', id, 'review', { decision: 'approve' });
  await api.complete('snv.vanthu', id, 'formatCheck', { decision: 'approve' });
  await api.complete('snv.giamdoc', id, 'sign', { decision: 'approve', pin: PIN });
  await api.complete('snv.vanthu', id, 'agencySign', { pin: PIN });
  assert.equal((await api.doc('snv.vanthu', id)).status, 'issued');
  return id;
}

export async function agencyIdOf(t: TestApp, username: string): Promise<string> {
  return (await docsApi(t).me(username)).agencyId;
}
