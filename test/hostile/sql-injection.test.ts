import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { concretePath, listItems, loadApiMap, rowCounts, type ApiMap, type Route } from './support/api-map.js';
import { A_USERS, me, type Me } from './support/agencies.js';
import { harvestAs, isIdParam, kindOfParam, type Harvest } from './support/harvest.js';

/** Classic payloads for both drivers (MySQL comments `#`, `-- `, SQLite/MySQL quoting, LIKE wildcards, unions). */
export const INJECTIONS = [
  "' OR '1'='1",
  "' OR 1=1 -- ",
  "' OR 1=1 #",
  '" OR ""="',
  "') OR ('1'='1",
  "1' UNION SELECT username, password_hash, NULL, NULL FROM user -- ",
  "'; DROP TABLE user; --",
  '1; DELETE FROM audit_event; --',
  "%' OR 1=1 OR '%'='",
  '\\',
  "\\'",
  '%',
  '_',
  '%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%',
  '../../etc/passwd',
  'x\u0000y',
  '\u202e\uFEFF',
  "Nguyễn%' OR 'a'='a",
  '2026-13-45',
  '-1',
  '99999999999999999999999',
  '[object Object]',
];

describe('SQL injection in every query and path parameter', () => {
  let t: TestApp;
  let map: ApiMap;
  let harvest: Harvest;
  const meOf: Record<string, Me> = {};
  // the installation admin sees everything, so "no extra rows" is checked where the most rows are visible
  const users = ['admin', ...A_USERS];

  before(async () => {
    t = await startTestApp();
    map = await loadApiMap(t);
    for (const u of users) meOf[u] = await me(t, u);
    harvest = await harvestAs(t, map, users);
  });
  after(() => t?.close());

  const userFor = (r: Route) => users.find((u) => r.permission && meOf[u].permissions.includes(r.permission));
  const pathFor = (r: Route) => {
    const values: Record<string, string> = {};
    for (const p of r.pathParams)
      values[p] = isIdParam(p)
        ? ([...(harvest.ids.get(kindOfParam(r, p)) ?? [])][0] ?? p)
        : String(new Date().getFullYear());
    return concretePath(r.path, values);
  };

  it('answers every GET query parameter filled with injection strings with no 500 and no extra rows', async () => {
    const before = await rowCounts(t);
    const problems: string[] = [];
    let calls = 0;
    for (const route of map.routes) {
      if (route.method !== 'GET' || !route.queryParams.length || route.permission === 'public') continue;
      const as = userFor(route);
      if (!as) continue;
      const base = pathFor(route);
      const baseline = await t.request('GET', base, { as });
      const baseCount = listItems(baseline.body)?.length;
      for (const param of route.queryParams) {
        for (const payload of INJECTIONS) {
          const res = await t.request('GET', `${base}?${param}=${encodeURIComponent(payload)}`, { as });
          calls++;
          if (res.status >= 500) problems.push(`${route.path}?${param}=${payload} → ${res.status}`);
          const count = listItems(res.body)?.length;
          if (res.status === 200 && baseCount !== undefined && count !== undefined && count > baseCount)
            problems.push(`${route.path}?${param}=${payload}: ${count} rows > ${baseCount} without the filter`);
          if (typeof res.body === 'string' && /root:x:0:0/.test(res.body)) problems.push(`${route.path}: passwd`);
        }
      }
    }
    console.log(`# ${calls} injected query calls`);
    assert.deepEqual(problems, []);
    assert.deepEqual(await rowCounts(t), before, 'tables and rows intact');
  });

  it('answers injection strings as path ids with 400/404, never 500 or 200', async () => {
    const problems: string[] = [];
    for (const route of map.routes) {
      if (route.method !== 'GET' || !route.pathParams.some(isIdParam)) continue;
      const as = userFor(route);
      if (!as) continue;
      for (const payload of INJECTIONS.slice(0, 9)) {
        const values = Object.fromEntries(route.pathParams.map((p) => [p, payload]));
        const res = await t.request('GET', concretePath(route.path, values), { as });
        if (res.status >= 500 || res.status === 200) problems.push(`${route.path} ← ${payload} → ${res.status}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('keeps JSON bodies with injection strings as data (stored literally, no extra effect)', async () => {
    const name = "Phòng '); DROP TABLE unit; --";
    const created = await t.request('POST', `/api/agencies/${meOf['snv.admin'].agencyId}/units`, {
      as: 'snv.admin',
      body: { name, abbreviation: 'SQLI' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const units = await t.request('GET', `/api/agencies/${meOf['snv.admin'].agencyId}/units`, { as: 'snv.admin' });
    assert.ok(units.body.some((u: { name: string }) => u.name === name));
    const search = await t.request('GET', `/api/users?q=${encodeURIComponent("' OR 1=1 -- ")}`, { as: 'snv.admin' });
    assert.equal(search.status, 200);
    assert.equal(search.body.length, 0);
  });
});
