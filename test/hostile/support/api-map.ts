import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { PERMISSION_KEY, PUBLIC_KEY } from '../../../src/modules/auth/auth.decorators.js';
import type { TestApp } from '../../support/test-app.js';

/**
 * The API as the hostile tests see it: every route of the OpenAPI document, with the permission its handler
 * declares (read from the Nest metadata, so a new module's routes are picked up without editing these tests).
 */
export interface Route {
  method: string; // upper case
  path: string; // OpenAPI form: /api/users/{id}
  pathParams: string[];
  queryParams: string[];
  jsonBody?: Schema;
  multipart: boolean;
  /** 'public', a permission name, or undefined when the handler declares none (the auth walk test catches that). */
  permission?: string;
}

export type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};

export interface ApiMap {
  routes: Route[];
  resolve(s: Schema | undefined): Schema | undefined;
  spec: { paths: Record<string, Record<string, any>> };
}

const REQUEST_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD'];

function joinPath(...parts: (string | string[] | undefined)[]): string {
  const segs = parts.flatMap((p) => (Array.isArray(p) ? p.slice(0, 1) : p ? [p] : []));
  return (
    '/' +
    segs
      .map((s) => s.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/')
  );
}

/** `METHOD /api/x/{id}` → permission, from the decorators of every controller in the running app. */
export function routePermissions(t: TestApp): Map<string, string> {
  const out = new Map<string, string>();
  for (const mod of t.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const cls = wrapper.metatype as unknown as { prototype: Record<string, unknown> } | null;
      if (!cls) continue;
      const base = Reflect.getMetadata(PATH_METADATA, cls) as string | string[] | undefined;
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = cls.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const m = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
        if (m === undefined) continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const path = joinPath(base, sub).replace(/:(\w+)/g, '{$1}');
        const isPublic = Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, cls);
        const perm = Reflect.getMetadata(PERMISSION_KEY, handler) ?? Reflect.getMetadata(PERMISSION_KEY, cls);
        out.set(`${REQUEST_METHODS[m]} ${path}`, isPublic ? 'public' : perm);
      }
    }
  }
  return out;
}

export async function loadApiMap(t: TestApp): Promise<ApiMap> {
  const spec = (await t.request('GET', '/api/docs-json')).body as {
    paths: Record<string, Record<string, any>>;
    components?: { schemas?: Record<string, Schema> };
  };
  const perms = routePermissions(t);
  const resolve = (s: Schema | undefined): Schema | undefined => {
    let cur = s;
    for (let i = 0; cur?.$ref && i < 10; i++) cur = spec.components?.schemas?.[cur.$ref.split('/').pop()!];
    if (cur?.allOf?.length) return resolve(cur.allOf[0]);
    return cur;
  };
  const routes: Route[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = (op.parameters ?? []) as { name: string; in: string }[];
      const content = (op.requestBody?.content ?? {}) as Record<string, { schema?: Schema }>;
      routes.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        jsonBody: content['application/json']?.schema,
        multipart: !!content['multipart/form-data'],
        permission: perms.get(`${method.toUpperCase()} ${path}`),
      });
    }
  }
  return { routes, resolve, spec };
}

/**
 * A minimal body that satisfies the documented schema as far as the schema says (required fields, types,
 * enums, examples, lengths). `fill` may supply values for fields by name (e.g. ids of the right agency).
 */
export function sampleBody(
  map: ApiMap,
  schema: Schema | undefined,
  fill: (field: string) => unknown = () => undefined,
  depth = 0,
): unknown {
  const s = map.resolve(schema);
  if (!s || depth > 5) return {};
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  if (s.oneOf?.length || s.anyOf?.length) return sampleBody(map, (s.oneOf ?? s.anyOf)![0], fill, depth + 1);
  switch (s.type) {
    case 'string':
      if (s.format === 'date-time') return '2026-01-15T03:00:00.000Z';
      if (s.format === 'date') return '2026-01-15';
      if (s.format === 'email') return 'hostile@example.vn';
      return 'x'.repeat(Math.max(s.minLength ?? 1, 3));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sampleBody(map, s.items, fill, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) {
        const given = fill(key);
        out[key] = given !== undefined ? given : sampleBody(map, s.properties?.[key], fill, depth + 1);
      }
      return out;
    }
  }
}

/** Fills `{param}` placeholders. */
export function concretePath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? name));
}

/** Lists come back as an array or as `{ items, total }`. */
export function listItems(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object' && Array.isArray((body as { items?: unknown }).items))
    return (body as { items: unknown[] }).items;
  return undefined;
}

/**
 * Row counts of every table the app maps (proof that a refused request changed nothing). The audit tables are
 * left out: a refused login of an existing user is recorded there by design (auth.login-failed).
 */
export async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const meta of t.dataSource.entityMetadatas) {
    if (meta.tableName.startsWith('audit_')) continue;
    // a module mid-development may map an entity whose migration is not written yet: skip its table
    const rows = await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${meta.tableName}`).catch(() => undefined);
    if (rows) out[meta.tableName] = Number(rows[0].n);
  }
  return out;
}
