import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { TransactionService } from '../../database/transaction.service.js';
import { isUniqueViolation } from '../../database/db-errors.js';
import { fastInsert, fastUpdate } from '../../database/fast-sql.js';
import { AuditChainHeadEntity, AuditEventEntity } from './audit-event.entity.js';
import { auditHash, GENESIS_HASH } from './audit-hash.js';

export interface AuditInput {
  actorId?: string | null;
  agencyId?: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  data?: Record<string, unknown> | null;
}

interface PendingEntry {
  input: AuditInput;
  occurredAt: Date;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  chains: number;
  firstBroken?: { id: number; chain: string; reason: string };
}

@Injectable()
export class AuditService {
  constructor(
    private readonly tx: TransactionService,
    private readonly clock: Clock,
  ) {}

  /**
   * Records an event in its agency's chain as part of the caller's transaction: the event and the change it
   * records commit or roll back together (a savepoint rolled back drops the events recorded inside it). The
   * entries are appended just before COMMIT, all of a transaction's at once, so the chain's head row is locked
   * only then (on MySQL a head locked at the first entry held every other transaction of the agency until this
   * one committed). Outside a transaction the event is appended in one of its own.
   */
  async record(input: AuditInput): Promise<void> {
    // the data as it is now (it is written at commit, and a caller may change its objects in between)
    const data = input.data == null ? null : (JSON.parse(JSON.stringify(input.data)) as Record<string, unknown>);
    const entry = { input: { ...input, data }, occurredAt: this.clock.now() };
    const pending = this.tx.pending(this.append);
    if (pending) pending.push(entry);
    else await this.tx.run((m) => this.append(m, [entry]));
  }

  /** Appends entries in the order recorded, chain by chain (heads locked in chain order: no lock cycles). */
  private readonly append = async (m: EntityManager, entries: PendingEntry[]): Promise<void> => {
    const byChain = new Map<string, PendingEntry[]>();
    for (const e of entries) {
      const chain = e.input.agencyId ?? 'system';
      const list = byChain.get(chain);
      if (list) list.push(e);
      else byChain.set(chain, [e]);
    }
    for (const chain of [...byChain.keys()].sort()) {
      const head = await this.lockHead(m, chain);
      let prevHash = head.lastHash;
      const rows: AuditEventEntity[] = [];
      for (const { input, occurredAt } of byChain.get(chain)!) {
        const fields = {
          chain,
          prevHash,
          occurredAt,
          actorId: input.actorId ?? null,
          agencyId: input.agencyId ?? null,
          action: input.action,
          entityType: input.entityType,
          entityId: input.entityId ?? null,
          data: input.data ?? null,
        };
        prevHash = auditHash(fields);
        rows.push({ ...fields, hash: prevHash } as AuditEventEntity);
      }
      // one statement per 50 entries (ids follow the order of the rows)
      for (let i = 0; i < rows.length; i += 50) await fastInsert(m, AuditEventEntity, rows.slice(i, i + 50));
      await fastUpdate(m, AuditChainHeadEntity, chain, { lastHash: prevHash, length: head.length + rows.length });
    }
  };

  /** The chain's head, locked for the append (SQLite: BEGIN IMMEDIATE already holds the write lock). Hot path. */
  private async findHead(m: EntityManager, chain: string): Promise<AuditChainHeadEntity | null> {
    const rows: { last_hash: string; length: number }[] = await m.query(
      this.tx.isSqlite
        ? 'SELECT last_hash, length FROM audit_chain_head WHERE chain = ?'
        : 'SELECT last_hash, length FROM audit_chain_head WHERE chain = ? FOR UPDATE',
      [chain],
    );
    return rows[0] ? { chain, lastHash: rows[0].last_hash, length: Number(rows[0].length) } : null;
  }

  private async lockHead(m: EntityManager, chain: string): Promise<AuditChainHeadEntity> {
    const head = await this.findHead(m, chain);
    if (head) return head;
    try {
      await m.insert(AuditChainHeadEntity, { chain, lastHash: GENESIS_HASH, length: 0 });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    return (await this.findHead(m, chain))!;
  }

  async trail(entityType: string, entityId: string): Promise<AuditEventEntity[]> {
    await this.tx.flushPending(this.append); // what this transaction recorded so far belongs to the trail
    return this.tx.manager.find(AuditEventEntity, { where: { entityType, entityId }, order: { id: 'ASC' } });
  }

  /** Walks every chain and reports the first entry whose hash or link does not match. */
  static async verify(dataSource: DataSource): Promise<AuditVerifyResult> {
    const repo = dataSource.getRepository(AuditEventEntity);
    const heads = await dataSource.getRepository(AuditChainHeadEntity).find();
    const chains = new Set<string>(heads.map((h) => h.chain));
    const rawChains = await repo
      .createQueryBuilder('e')
      .select('DISTINCT e.chain', 'chain')
      .getRawMany<{ chain: string }>();
    for (const r of rawChains) chains.add(r.chain);
    let checked = 0;
    let firstBroken: AuditVerifyResult['firstBroken'];
    const consider = (b: NonNullable<AuditVerifyResult['firstBroken']>) => {
      if (!firstBroken || b.id < firstBroken.id) firstBroken = b;
    };
    for (const chain of [...chains].sort()) {
      let prev = GENESIS_HASH;
      let lastId = 0;
      let count = 0;
      for (;;) {
        const batch = await repo
          .createQueryBuilder('e')
          .where('e.chain = :chain AND e.id > :lastId', { chain, lastId })
          .orderBy('e.id', 'ASC')
          .take(1000)
          .getMany();
        if (!batch.length) break;
        let broken = false;
        for (const e of batch) {
          checked++;
          count++;
          if (e.prevHash !== prev) {
            consider({
              id: e.id,
              chain,
              reason: 'previous-hash link does not match (an entry was removed or reordered)',
            });
            broken = true;
            break;
          }
          if (auditHash(e) !== e.hash) {
            consider({ id: e.id, chain, reason: 'content does not match its hash (the entry was edited)' });
            broken = true;
            break;
          }
          prev = e.hash;
          lastId = e.id;
        }
        if (broken) break;
      }
      const head = heads.find((h) => h.chain === chain);
      if (head && !firstBroken && (head.lastHash !== prev || head.length !== count)) {
        consider({
          id: lastId,
          chain,
          reason: 'chain head does not match the last entry (entries were removed at the end)',
        });
      }
    }
    return { ok: !firstBroken, checked, chains: chains.size, firstBroken };
  }
}
