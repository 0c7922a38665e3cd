import type { TestApp } from '../../support/test-app.js';
import type { ApiMap } from './api-map.js';

/** Agency A (Sở Nội vụ) and agency B (xã Thạch Kim) of the demo province, with their demo users. */
export const A_USERS = ['snv.admin', 'snv.giamdoc', 'snv.vanthu', 'snv.tp', 'snv.cv', 'snv.luutru'];
export const B_USERS = [
  'thachkim.admin',
  'thachkim.chutich',
  'thachkim.phochutich',
  'thachkim.vanthu',
  'thachkim.tp',
  'thachkim.cv',
  'thachkim.luutru',
];

export interface Me {
  id: string;
  agencyId: string;
  unitId: string | null;
  permissions: string[];
}

export async function me(t: TestApp, username: string): Promise<Me> {
  const res = await t.request('GET', '/api/auth/me', { as: username });
  if (res.status !== 200) throw new Error(`me ${username}: ${res.status}`);
  return res.body as Me;
}

export interface Recipe {
  as: string;
  method: string;
  path: string;
  body: (ctx: { agencyId: string; me: Record<string, Me>; n: number }) => unknown;
}

/**
 * Objects created in agency A through the API before the matrix runs, one recipe per creation route that
 * exists (a route not in the OpenAPI document is skipped). Add a recipe when a module adds a new kind.
 */
export const RECIPES: Recipe[] = [
  {
    as: 'snv.admin',
    method: 'POST',
    path: '/api/users',
    body: ({ agencyId, n }) => ({
      username: `hostile.a${n}`,
      fullName: 'Người Thử Nghiệm',
      agencyId,
      password: 'mat-khau-dai-123',
      roles: [{ role: 'staff' }],
    }),
  },
  {
    as: 'snv.admin',
    method: 'POST',
    path: '/api/agencies/{agencyId}/units',
    body: ({ n }) => ({ name: `Phòng Thử ${n}`, abbreviation: `PT${n}` }),
  },
  {
    as: 'snv.cv',
    method: 'POST',
    path: '/api/documents/outgoing',
    body: ({ me: m }) => ({
      typeCode: 'CV',
      subject: 'Về việc thử nghiệm truy cập chéo',
      signerId: m['snv.giamdoc'].id,
    }),
  },
  {
    as: 'snv.cv',
    method: 'POST',
    path: '/api/dossiers',
    body: () => ({ title: 'Hồ sơ thử nghiệm truy cập chéo', notation: '01.TCCB', retention: '10' }),
  },
];

/** Runs every recipe whose route exists; returns what failed (so the test can show it, not hide it). */
export async function createInAgency(t: TestApp, map: ApiMap, agencyId: string, meOf: Record<string, Me>) {
  const problems: string[] = [];
  let n = 0;
  for (const r of RECIPES) {
    if (!map.routes.some((x) => x.method === r.method && x.path === r.path.replace('{agencyId}', '{id}'))) continue;
    n++;
    const res = await t.request(r.method, r.path.replace('{agencyId}', agencyId), {
      as: r.as,
      body: r.body({ agencyId, me: meOf, n }),
    });
    if (res.status >= 300) problems.push(`${r.method} ${r.path}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return problems;
}
