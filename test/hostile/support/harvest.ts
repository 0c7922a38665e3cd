import type { TestApp } from '../../support/test-app.js';
import { concretePath, listItems, type ApiMap, type Route } from './api-map.js';

/**
 * Generic id collection: every GET route is called as the given users; every object with an `id` is filed under
 * the kind of the route segment it came from (`/api/users` → user, `/api/workflow/instances/{id}` → instance),
 * and every `<kind>Id` field under that kind. New modules' ids are collected without editing this file.
 */
const ALIASES: Record<string, string> = {
  processInstance: 'instance',
  parentUnit: 'unit',
  parent: 'agency',
  into: 'agency',
  assignee: 'user',
  signer: 'user',
  drafter: 'user',
  actor: 'user',
  owner: 'user',
  handler: 'user',
  mainHandler: 'user',
  createdBy: 'user',
  filePlanEntry: 'entry',
  me: 'user',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function singular(segment: string): string {
  const s = segment.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  if (s.endsWith('ies')) return s.slice(0, -3) + 'y';
  if (s.endsWith('sses')) return s.slice(0, -2);
  if (s.endsWith('s') && !s.endsWith('ss')) return s.slice(0, -1);
  return s;
}

/** The kind an id path parameter refers to: `{id}` → the segment before it, `{dossierId}` → dossier. */
export function kindOfParam(route: Route, param: string): string {
  if (param !== 'id') return ALIASES[param.replace(/Id$/, '')] ?? param.replace(/Id$/, '');
  const segs = route.path.split('/');
  const at = segs.indexOf('{id}');
  return singular(segs[at - 1] ?? 'unknown');
}

export const isIdParam = (name: string) => name === 'id' || (/Id$/.test(name) && name !== 'processId');

export function kindOfField(field: string): string | undefined {
  if (!/Id$/.test(field) || field === 'processId' || field === 'elementId') return undefined;
  const base = field.slice(0, -2);
  return ALIASES[base] ?? base;
}

export interface Harvest {
  /** kind → ids (insertion order) */
  ids: Map<string, Set<string>>;
  /** id → the agencyId the object carried, when it did */
  agencyOf: Map<string, string>;
  add(kind: string, id: string, agencyId?: string): void;
}

export function newHarvest(): Harvest {
  const h: Harvest = {
    ids: new Map(),
    agencyOf: new Map(),
    add(kind, id, agencyId) {
      if (!UUID.test(id)) return;
      if (!h.ids.has(kind)) h.ids.set(kind, new Set());
      h.ids.get(kind)!.add(id);
      if (agencyId && !h.agencyOf.has(id)) h.agencyOf.set(id, agencyId);
    },
  };
  return h;
}

/** Walks a response: objects with `id` belong to `kind`; nested arrays under a key are of that key's kind. */
export function collect(h: Harvest, value: unknown, kind: string, depth = 0): void {
  if (depth > 6 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value.slice(0, 50)) collect(h, v, kind, depth + 1);
    return;
  }
  const obj = value as Record<string, unknown>;
  const agencyId = typeof obj.agencyId === 'string' ? obj.agencyId : undefined;
  if (typeof obj.id === 'string') h.add(kind, obj.id, kind === 'agency' ? obj.id : agencyId);
  for (const [key, v] of Object.entries(obj)) {
    const fk = kindOfField(key);
    if (fk && typeof v === 'string') h.add(fk, v);
    if (fk && Array.isArray(v)) for (const x of v) if (typeof x === 'string') h.add(fk, x);
    if (v && typeof v === 'object') {
      const childKind = key === 'children' ? kind : key === 'items' || key === 'data' ? kind : singular(key);
      collect(h, v, childKind, depth + 1);
    }
  }
}

/** Calls every GET route (lists first, then details and sub-lists of the ids found) as each user, twice over. */
export async function harvestAs(t: TestApp, map: ApiMap, users: string[], h = newHarvest()): Promise<Harvest> {
  const gets = map.routes.filter((r) => r.method === 'GET' && r.permission && r.permission !== 'public');
  for (let round = 0; round < 2; round++) {
    for (const route of gets) {
      if (route.path.includes('docs')) continue;
      const idParams = route.pathParams;
      if (idParams.some((p) => !isIdParam(p))) continue;
      const combos: Record<string, string>[] = [];
      if (!idParams.length) combos.push({});
      else {
        const kind = kindOfParam(route, idParams[0]);
        for (const id of [...(h.ids.get(kind) ?? [])].slice(0, 4)) combos.push({ [idParams[0]]: id });
      }
      const segs = route.path.split('/').filter((s) => s && !s.startsWith('{'));
      const kind =
        ALIASES[singular(segs[segs.length - 1] ?? 'unknown')] ?? singular(segs[segs.length - 1] ?? 'unknown');
      for (const values of combos) {
        if (idParams.length > 1) continue;
        for (const as of users) {
          const res = await t.request('GET', concretePath(route.path, values), { as });
          if (res.status !== 200 || typeof res.body !== 'object') continue;
          const items = listItems(res.body);
          // a detail route (`/x/{id}`) returns one object of the parameter's kind
          const k = route.path.endsWith('}') ? kindOfParam(route, idParams[idParams.length - 1]) : kind;
          collect(h, items ?? res.body, k);
        }
      }
    }
  }
  return h;
}
