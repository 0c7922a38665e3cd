import cluster, { type Worker } from 'node:cluster';
import { DomainError } from '../../common/domain-error.js';
import { LoginThrottle } from './login-throttle.js';

/**
 * What auth keeps in process memory, made safe for several HTTP worker processes (node:cluster, main.ts):
 * - the login throttle lives in the primary, workers ask it over IPC, so N workers do not give N times the
 *   guesses;
 * - "forget this user" (role change, deactivation, password change) and "this token is revoked" (logout) are
 *   relayed by the primary to every other worker, so their few-second user caches do not outlive the change.
 * Without a cluster (tests, HTTP_WORKERS=1) everything stays in the process.
 */
const THROTTLE = 'hoso:auth-throttle';
const THROTTLE_REPLY = 'hoso:auth-throttle-reply';
const BROADCAST = 'hoso:auth-broadcast';

export type ThrottleOp = 'check' | 'fail' | 'succeed';
export type AuthBroadcast = { kind: 'invalidate'; userId?: string } | { kind: 'revoked'; jti: string; until: number };

interface ThrottleRequest {
  type: typeof THROTTLE;
  id: number;
  op: ThrottleOp;
  keys: string[];
}
interface ThrottleReply {
  type: typeof THROTTLE_REPLY;
  id: number;
  retryAfterSeconds?: number;
}
interface BroadcastMessage {
  type: typeof BROADCAST;
  event: AuthBroadcast;
}

const inWorker = () => cluster.isWorker && typeof process.send === 'function';

function throttledError(retryAfter: number): DomainError {
  return new DomainError('LOGIN_THROTTLED', 'too-many', { seconds: retryAfter }, { retryAfterSeconds: retryAfter });
}

/** The throttle as AuthService uses it: local, or the primary's when this process is a cluster worker. */
export class SharedLoginThrottle {
  private readonly local: LoginThrottle;
  private readonly pending = new Map<number, (r: ThrottleReply) => void>();
  private nextId = 1;

  constructor(max: number) {
    this.local = new LoginThrottle(max);
    if (inWorker())
      process.on('message', (msg: ThrottleReply) => {
        if (msg?.type !== THROTTLE_REPLY) return;
        this.pending.get(msg.id)?.(msg);
        this.pending.delete(msg.id);
      });
  }

  async run(op: ThrottleOp, keys: string[]): Promise<void> {
    if (!inWorker()) return void this.local[op](keys);
    const id = this.nextId++;
    const reply = await new Promise<ThrottleReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('login throttle: no answer from the cluster primary'));
      }, 5000);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      process.send!({ type: THROTTLE, id, op, keys } satisfies ThrottleRequest);
    });
    if (reply.retryAfterSeconds !== undefined) throw throttledError(reply.retryAfterSeconds);
  }
}

/** Tells the other workers (through the primary); a no-op outside a cluster. */
export function broadcastAuth(event: AuthBroadcast): void {
  if (inWorker()) process.send!({ type: BROADCAST, event } satisfies BroadcastMessage);
}

/** Runs `handler` for what other workers broadcast; a no-op outside a cluster. */
export function onAuthBroadcast(handler: (event: AuthBroadcast) => void): void {
  if (inWorker())
    process.on('message', (msg: BroadcastMessage) => {
      if (msg?.type === BROADCAST) handler(msg.event);
    });
}

/**
 * Primary side, called once per forked worker: answers its throttle questions from the one shared throttle and
 * relays its broadcasts to every other live worker.
 */
export function servePrimaryAuth(throttle: LoginThrottle, worker: Worker, all: () => Worker[]): void {
  worker.on('message', (msg: ThrottleRequest | BroadcastMessage) => {
    if (msg?.type === THROTTLE) {
      const reply: ThrottleReply = { type: THROTTLE_REPLY, id: msg.id };
      try {
        throttle[msg.op](msg.keys);
      } catch (e) {
        const retry = (e as DomainError).details?.retryAfterSeconds;
        reply.retryAfterSeconds = typeof retry === 'number' ? retry : 60;
      }
      if (worker.isConnected()) worker.send(reply);
    } else if (msg?.type === BROADCAST) {
      for (const w of all()) if (w !== worker && w.isConnected()) w.send(msg);
    }
  });
}
