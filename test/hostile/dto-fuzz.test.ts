import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  concretePath,
  loadApiMap,
  rowCounts,
  sampleBody,
  type ApiMap,
  type Route,
  type Schema,
} from './support/api-map.js';
import { A_USERS, me, type Me } from './support/agencies.js';
import { harvestAs, isIdParam, kindOfParam, type Harvest } from './support/harvest.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

/**
 * Fields this suite found accepting a value of the wrong JSON type, kept out of the main property so it stays
 * green, and checked by the `todo` test below until the owning module fixes them.
 * `@Type(() => Number)` on a JSON body turns `true` into 1 (src/modules/workflow/dto: StartInstanceDto.version).
 */
const KNOWN_LAX: Record<string, { field: string; value: unknown }[]> = {
  'POST /api/workflow/instances': [{ field: 'version', value: true }],
};

/** A value of a JSON type other than the one the schema declares (so validation must refuse it). */
function wrongType(s: Schema | undefined): fc.Arbitrary<unknown> | undefined {
  switch (s?.type) {
    case 'string':
      return fc.oneof(
        fc.integer(),
        fc.boolean(),
        fc.array(fc.string(), { maxLength: 3 }),
        fc.dictionary(fc.string(), fc.integer(), { minKeys: 1 }),
      );
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.string({ minLength: 1 }).filter((x) => Number.isNaN(Number(x))),
        fc.boolean(),
        fc.array(fc.integer(), { minLength: 1 }),
      );
    case 'boolean':
      return fc.oneof(
        fc.constantFrom('yes', 'maybe', 'on!'),
        fc.integer({ min: 2 }),
        fc.array(fc.boolean(), { minLength: 1 }),
      );
    case 'array':
      return fc.oneof(
        fc.string({ minLength: 1 }),
        fc.integer(),
        fc.dictionary(fc.string(), fc.integer(), { minKeys: 1 }),
      );
    case 'object':
      return fc.oneof(fc.string({ minLength: 1 }), fc.integer(), fc.array(fc.integer(), { minLength: 1 }));
    default:
      return s?.enum ? fc.integer({ min: 1000 }) : undefined;
  }
}

/**
 * Bodies that no DTO may accept: arbitrary JSON (objects always carry a key the DTO does not declare), raw text
 * that is not JSON, and the documented sample with one declared field replaced by a value of the wrong type.
 */
function hostileBodies(map: ApiMap, schema: Schema | undefined, lax: string[] = []): fc.Arbitrary<{ raw: string }> {
  const s = map.resolve(schema);
  const props = s?.properties ?? {};
  const declared = new Set(Object.keys(props));
  const arbitraryJson = fc
    .anything({ maxDepth: 3, withNullPrototype: false })
    .filter((v) => !(v && typeof v === 'object' && !Array.isArray(v)) || Object.keys(v).some((k) => !declared.has(k)))
    .filter((v) => !(v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0))
    .map((v) => ({ raw: JSON.stringify(v) ?? 'null' }));
  const notJson = fc.string({ minLength: 1 }).filter((x) => {
    try {
      JSON.parse(x);
      return false;
    } catch {
      return true;
    }
  });
  const options: fc.Arbitrary<{ raw: string }>[] = [arbitraryJson, notJson.map((raw) => ({ raw }))];
  const mutable = Object.entries(props)
    .filter(([k]) => !lax.includes(k))
    .map(([k, p]) => [k, wrongType(map.resolve(p))] as const)
    .filter((e): e is readonly [string, fc.Arbitrary<unknown>] => !!e[1]);
  if (mutable.length) {
    const base = sampleBody(map, s) as Record<string, unknown>;
    options.push(
      fc
        .constantFrom(...mutable)
        .chain(([key, arb]) => arb.map((v) => ({ raw: JSON.stringify({ ...base, [key]: v }) }))),
    );
  }
  return fc.oneof(...options);
}

describe('property: hostile JSON bodies on every DTO of the API → 4xx, never 500, nothing changes', () => {
  let t: TestApp;
  let map: ApiMap;
  let harvest: Harvest;
  const meOf: Record<string, Me> = {};
  const users = [...A_USERS, 'admin'];

  before(async () => {
    t = await startTestApp();
    map = await loadApiMap(t);
    for (const u of users) meOf[u] = await me(t, u);
    harvest = await harvestAs(t, map, users);
  });
  after(() => t?.close());

  const userFor = (r: Route) =>
    r.permission === 'public'
      ? undefined
      : users.find((u) => r.permission && meOf[u].permissions.includes(r.permission));

  /**
   * Every JSON body route someone may call, with that someone and a path to an object of theirs (login last, so
   * its throttle cannot lock the others out).
   */
  const bodyRoutes = () =>
    map.routes
      .filter((r) => r.jsonBody)
      .sort((a, b) => Number(a.path === '/api/auth/login') - Number(b.path === '/api/auth/login'))
      .map((route) => {
        const values: Record<string, string> = { kind: 'users', year: String(new Date().getFullYear()) };
        for (const p of route.pathParams.filter(isIdParam))
          values[p] = [...(harvest.ids.get(kindOfParam(route, p)) ?? [])][0] ?? '00000000-0000-4000-8000-000000000000';
        return { route, as: userFor(route), path: concretePath(route.path, values) };
      })
      .filter((r) => r.route.permission === 'public' || r.as);

  it('every JSON body route (login last, so its throttle cannot lock the others out)', async () => {
    const routes = bodyRoutes();
    console.log(`# fuzzing ${routes.length} DTO routes × ${RUNS} runs`);
    const before = await rowCounts(t);
    for (const { route, as, path } of routes) {
      await fc.assert(
        fc.asyncProperty(
          hostileBodies(
            map,
            route.jsonBody,
            (KNOWN_LAX[`${route.method} ${route.path}`] ?? []).map((x) => x.field),
          ),
          async ({ raw }) => {
            const res = await t.request(route.method, path, {
              as,
              raw,
              headers: { 'content-type': 'application/json' },
            });
            assert.ok(
              res.status >= 400 && res.status < 500,
              `${route.method} ${route.path} as ${as ?? 'anonymous'} with ${raw.slice(0, 200)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
            );
            assert.ok(res.body?.code, 'error body carries a code');
          },
        ),
        { numRuns: RUNS },
      );
    }
    assert.deepEqual(await rowCounts(t), before, 'a refused body changed rows');
  });

  it('keys every object inherits (toString, constructor, __proto__) are refused like any undeclared key', async () => {
    // found by the property above: class-transformer leaves such a key out of the DTO, so `{"toString":""}`
    // passed whitelisting as an empty PATCH (200)
    const routes = bodyRoutes();
    const before = await rowCounts(t);
    let sent = 0;
    for (const { route, as, path } of routes) {
      const base = JSON.stringify(sampleBody(map, map.resolve(route.jsonBody)) ?? {}).slice(1, -1);
      const join = (extra: string) => `{${[base, extra].filter(Boolean).join(',')}}`;
      for (const raw of [
        join('"toString":""'),
        join('"constructor":{"prototype":{"admin":true}}'),
        join('"__proto__":{"admin":true}'),
        join('"valueOf":1'),
      ]) {
        const res = await t.request(route.method, path, { as, raw, headers: { 'content-type': 'application/json' } });
        sent++;
        assert.ok(
          res.status >= 400 && res.status < 500,
          `${route.method} ${route.path} with ${raw.slice(0, 200)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
        );
      }
    }
    console.log(`# ${sent} bodies with inherited keys`);
    assert.deepEqual(await rowCounts(t), before, 'a refused body changed rows');
  });

  it('known lax fields refuse wrong types', async () => {
    for (const [key, cases] of Object.entries(KNOWN_LAX)) {
      const [method, path] = key.split(' ');
      const route = map.routes.find((r) => r.method === method && r.path === path);
      for (const c of cases) {
        const base = route ? (sampleBody(map, route.jsonBody) as Record<string, unknown>) : {};
        const res = await t.request(method, path, {
          as: 'admin',
          body: { ...base, processId: 'no-such-process', [c.field]: c.value },
        });
        assert.equal(res.status, 400, `${key} ${c.field}=${JSON.stringify(c.value)} → ${res.status}`);
      }
    }
  });
});
