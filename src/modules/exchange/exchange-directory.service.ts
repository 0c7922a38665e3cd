import { Injectable } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import { Clock, IdGenerator } from '../../common/clock.js';
import { badRequest, conflict, forbidden, notFound } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { PolicyService, type AuthUser } from '../auth/index.js';
import { AgencyEntity } from '../organizations/index.js';
import { ExchangePeerEntity, type ExchangeAdapterKind } from './exchange.entity.js';
import { usablePublicKey } from './installation-key.js';

export interface PeerInput {
  organId: string;
  name: string;
  adapter: ExchangeAdapterKind;
  endpointUrl?: string;
  publicKey?: string | null;
  active?: boolean;
}

const ORGAN_ID = /^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$/;

/** Splits CSV text (RFC 4180: quoted fields may hold commas, quotes doubled, and line breaks — a PEM). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  if (field || row.length) endRow();
  return rows.filter((r) => r.some((f) => f.trim()));
}

/**
 * The exchange directory: which OrganIds live in another installation and how to reach them (Decree 30/2020,
 * art. 21: documents between agencies go through the exchange systems). Edited by administrators, or imported as
 * CSV `organId,name,adapter,endpointUrl,publicKey` (first line a header).
 */
@Injectable()
export class ExchangeDirectory {
  constructor(
    private readonly tx: TransactionService,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly policy: PolicyService,
  ) {}

  /**
   * The directory serves the whole installation, so only an administrator of its top (every agency without a
   * parent: the province) edits it; an agency's own administrator does not.
   */
  async assertInstallationAdmin(user: AuthUser): Promise<void> {
    const roots = await this.tx.manager.find(AgencyEntity, { where: { parentId: IsNull() } });
    const manageable = new Set(await this.policy.manageableAgencyIds(user));
    if (!roots.length || roots.some((r) => !manageable.has(r.id))) throw forbidden('EXCHANGE_DIRECTORY_ADMIN');
  }

  list(): Promise<ExchangePeerEntity[]> {
    return this.tx.manager.find(ExchangePeerEntity, { order: { organId: 'ASC' } });
  }

  byOrganId(m: EntityManager, organId: string): Promise<ExchangePeerEntity | null> {
    return m.findOne(ExchangePeerEntity, { where: { organId, active: true } });
  }

  /** Agencies of this installation that the directory places elsewhere (by their OrganId). */
  async externalAgencies(m: EntityManager, agencyIds: string[]): Promise<Set<string>> {
    const agencies = await m.find(AgencyEntity, { where: { id: In(agencyIds) } });
    if (!agencies.length) return new Set();
    const peers = await m.find(ExchangePeerEntity, {
      where: { organId: In(agencies.map((a) => a.organId)), active: true },
    });
    const external = new Set(peers.map((p) => p.organId));
    return new Set(agencies.filter((a) => external.has(a.organId)).map((a) => a.id));
  }

  validate(p: PeerInput, line = 0): PeerInput {
    const bad = (detail: string) => badRequest('EXCHANGE_PEER_INVALID', { line, detail });
    if (!ORGAN_ID.test(p.organId ?? '')) throw bad(`OrganId "${p.organId}"`);
    if (!p.name?.trim() || p.name.length > 200) throw bad('name');
    if (p.adapter !== 'direct' && p.adapter !== 'vxp') throw bad(`adapter "${p.adapter}" (direct | vxp)`);
    if (p.adapter === 'direct') {
      if (!/^https?:\/\/[^\s]{1,490}$/.test(p.endpointUrl ?? '')) throw bad('endpointUrl (http/https)');
      if (!p.publicKey || !usablePublicKey(p.publicKey)) throw bad('publicKey (PEM public key or certificate)');
    }
    return { ...p, name: p.name.trim(), endpointUrl: p.endpointUrl ?? '', publicKey: p.publicKey || null };
  }

  async create(input: PeerInput): Promise<ExchangePeerEntity> {
    const p = this.validate(input);
    return this.tx.run(async (m) => {
      if (await m.findOne(ExchangePeerEntity, { where: { organId: p.organId } }))
        throw conflict('EXCHANGE_PEER_EXISTS', { organId: p.organId });
      const row = this.row(p);
      await m.insert(ExchangePeerEntity, row);
      return row;
    });
  }

  async update(id: string, patch: Partial<PeerInput>): Promise<ExchangePeerEntity> {
    return this.tx.run(async (m) => {
      const cur = await m.findOne(ExchangePeerEntity, { where: { id } });
      if (!cur) throw notFound('exchange-peer', id);
      const p = this.validate({ ...cur, ...patch, organId: cur.organId });
      await m.update(ExchangePeerEntity, { id }, { ...this.row(p), id });
      return { ...this.row(p), id };
    });
  }

  async remove(id: string): Promise<void> {
    const r = await this.tx.run((m) => m.delete(ExchangePeerEntity, { id }));
    if (!r.affected) throw notFound('exchange-peer', id);
  }

  /** All lines or none: a wrong line names its number and nothing is written. */
  async importCsv(text: string): Promise<{ created: number; updated: number }> {
    const rows = parseCsv(text);
    const header = (rows.shift() ?? []).map((h) => h.trim());
    const at = (name: string) => header.indexOf(name);
    if (at('organId') < 0 || at('name') < 0 || at('adapter') < 0)
      throw badRequest('EXCHANGE_PEER_INVALID', {
        line: 1,
        detail: 'header organId,name,adapter,endpointUrl,publicKey',
      });
    if (rows.length > 5000) throw badRequest('EXCHANGE_PEER_INVALID', { line: 5002, detail: 'at most 5000 lines' });
    const peers = rows.map((r, i) =>
      this.validate(
        {
          organId: r[at('organId')]?.trim() ?? '',
          name: r[at('name')] ?? '',
          adapter: (r[at('adapter')]?.trim() ?? '') as ExchangeAdapterKind,
          endpointUrl: at('endpointUrl') >= 0 ? r[at('endpointUrl')]?.trim() : '',
          publicKey: at('publicKey') >= 0 ? r[at('publicKey')]?.trim() : null,
        },
        i + 2,
      ),
    );
    return this.tx.run(async (m) => {
      let created = 0;
      let updated = 0;
      for (const p of peers) {
        const cur = await m.findOne(ExchangePeerEntity, { where: { organId: p.organId } });
        if (cur) {
          await m.update(ExchangePeerEntity, { id: cur.id }, { ...this.row(p), id: cur.id });
          updated++;
        } else {
          await m.insert(ExchangePeerEntity, this.row(p));
          created++;
        }
      }
      return { created, updated };
    });
  }

  private row(p: PeerInput): ExchangePeerEntity {
    return {
      id: this.ids.next(),
      organId: p.organId,
      name: p.name,
      adapter: p.adapter,
      endpointUrl: p.endpointUrl ?? '',
      publicKey: p.publicKey ?? null,
      active: p.active ?? true,
      updatedAt: this.clock.now(),
    };
  }
}
