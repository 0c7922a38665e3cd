import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { UserEntity } from '../../src/modules/organizations/user.entity.js';

describe('organizations, scoping and CSV import', () => {
  let t: TestApp;
  const agencyId = async (username: string) =>
    (await t.request('GET', '/api/auth/me', { as: username })).body.agencyId as string;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('GET /api/agencies returns the tree with Vietnamese names', async () => {
    const res = await t.request('GET', '/api/agencies', { as: 'snv.cv' });
    assert.equal(res.status, 200);
    const root = res.body.find((a: { abbreviation: string }) => a.abbreviation === 'UBND');
    assert.equal(root.name, 'Ủy ban nhân dân tỉnh Hà Tĩnh');
    const names = root.children.map((c: { name: string }) => c.name);
    assert.ok(names.includes('Sở Nội vụ'));
    assert.ok(names.includes('Ủy ban nhân dân xã Thạch Kim'));
  });

  it('scopes users to the caller agency: another agency is 404', async () => {
    const snv = await agencyId('snv.cv');
    const commune = await agencyId('thachkim.cv');
    const own = await t.request('GET', '/api/users', { as: 'snv.cv' });
    assert.equal(own.status, 200);
    assert.ok(own.body.length >= 7);
    assert.ok(own.body.every((u: { agencyId: string }) => u.agencyId === snv));
    assert.equal((await t.request('GET', `/api/users?agencyId=${commune}`, { as: 'snv.cv' })).status, 404);
    const communeUser = (await t.request('GET', '/api/users', { as: 'thachkim.cv' })).body[0];
    assert.equal((await t.request('GET', `/api/users/${communeUser.id}`, { as: 'snv.cv' })).status, 404);
    assert.equal((await t.request('GET', `/api/agencies/${commune}/units`, { as: 'snv.cv' })).status, 404);
    // the installation admin administers the whole tree
    assert.equal((await t.request('GET', `/api/users/${communeUser.id}`, { as: 'admin' })).status, 200);
    const byRole = await t.request('GET', '/api/users?role=leader', { as: 'snv.cv' });
    assert.deepEqual(
      byRole.body.map((u: { username: string }) => u.username),
      ['snv.giamdoc'],
    );
  });

  it('an agency admin cannot manage another agency; staff cannot manage at all', async () => {
    const commune = await agencyId('thachkim.cv');
    const res = await t.request('POST', `/api/agencies/${commune}/units`, {
      as: 'snv.admin',
      body: { name: 'Phòng thử', abbreviation: 'PT' },
    });
    assert.equal(res.status, 404);
    const staff = await t.request('POST', `/api/agencies/${commune}/units`, {
      as: 'thachkim.cv',
      body: { name: 'Phòng thử', abbreviation: 'PT' },
    });
    assert.equal(staff.status, 403);
  });

  it('imports agencies, units and users from CSV', async () => {
    const agencies =
      'organId,name,abbreviation,level,parentOrganId,placeName\n000.00.41.H42,Ủy ban nhân dân xã Kỳ Anh,UBND,commune,000.00.00.H42,Hà Tĩnh\n';
    const a = await t.request('POST', '/api/organizations/import/agencies', {
      as: 'admin',
      raw: agencies,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const units =
      'agencyOrganId,abbreviation,name,parentAbbreviation\n000.00.41.H42,VP,Văn phòng,\n000.00.41.H42,TP,Tư pháp,VP\n';
    const u = await t.request('POST', '/api/organizations/import/units', {
      as: 'admin',
      raw: units,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(u.status, 201, JSON.stringify(u.body));
    const users =
      'username,fullName,agencyOrganId,unitAbbreviation,title,email,roles,password\nkyanh.vanthu,Nguyễn Thị Én,000.00.41.H42,VP,Văn thư,en@example.vn,clerk,\nkyanh.cv,Lê Văn Bảo,000.00.41.H42,TP,Công chức,,staff;unit-head,mat-khau-dai-123\n';
    const r = await t.request('POST', '/api/organizations/import/users', {
      as: 'admin',
      raw: users,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.imported, 2);
    assert.equal(r.body.generatedPasswords.length, 1);
    const login = await t.request('POST', '/api/auth/login', {
      body: { username: 'kyanh.cv', password: 'mat-khau-dai-123' },
    });
    assert.equal(login.status, 200);
    assert.deepEqual(login.body.user.roles.sort(), ['staff', 'unit-head']);
  });

  it("an agency admin resets a user's lost password: the old one and the user's sessions stop working", async () => {
    const me = (await t.request('GET', '/api/auth/me', { as: 'snv.luutru' })).body;
    const oldToken = await t.token('snv.luutru');
    const reset = (as: string, newPassword: string) =>
      t.request('POST', `/api/users/${me.id}/password`, { as, body: { newPassword } });
    assert.equal((await reset('snv.cv', 'mat-khau-moi-2026')).status, 403);
    assert.equal((await reset('thachkim.admin', 'mat-khau-moi-2026')).status, 404);
    assert.equal((await reset('snv.admin', 'ngan')).status, 400);
    assert.equal((await reset('snv.admin', 'mat-khau-moi-2026')).status, 204);
    const login = (password: string) =>
      t.request('POST', '/api/auth/login', { body: { username: 'snv.luutru', password } });
    assert.equal((await login('hoso-demo')).status, 401);
    assert.equal((await login('mat-khau-moi-2026')).status, 200);
    const old = await fetch(`${t.url}/api/auth/me`, { headers: { authorization: `Bearer ${oldToken}` } });
    assert.equal(old.status, 401, 'the session from before the reset ended');
    const trail = await t.request('GET', `/api/audit?entityId=${me.id}`, { as: 'snv.admin' });
    const entry = trail.body.find((e: { action: string }) => e.action === 'user.password-reset');
    assert.ok(entry, JSON.stringify(trail.body).slice(0, 300));
    assert.ok(!JSON.stringify(entry).includes('mat-khau-moi'), 'the password is in no audit entry');
  });

  it('CSV with bad rows imports nothing and names every bad row', async () => {
    const before = await t.dataSource.getRepository(UserEntity).count();
    const csv = [
      'username,fullName,agencyOrganId,unitAbbreviation,title,email,roles,password',
      'good.one,Người Tốt,000.01.00.H42,TCCB,Chuyên viên,,staff,mat-khau-dai-123',
      'Bad Name,Tên,000.01.00.H42,,,,staff,',
      'good.two,Người Hai,999.99.99.Z99,,,,staff,',
      'good.three,Người Ba,000.01.00.H42,NOPE,,not-an-email,wizard,',
      'good.one,Trùng Lặp,000.01.00.H42,,,,staff,',
      'snv.cv,Đã Có,000.01.00.H42,,,,staff,',
    ].join('\n');
    const res = await t.request('POST', '/api/organizations/import/users', {
      as: 'admin',
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'IMPORT_INVALID');
    const rows = [...new Set(res.body.errors.map((e: { row: number }) => e.row))].sort();
    assert.deepEqual(rows, [3, 4, 5, 6, 7]);
    const fields = res.body.errors
      .filter((e: { row: number }) => e.row === 5)
      .map((e: { field: string }) => e.field)
      .sort();
    assert.deepEqual(fields, ['email', 'roles', 'unitAbbreviation']);
    assert.equal(await t.dataSource.getRepository(UserEntity).count(), before, 'nothing imported');
  });

  it('moves and merges agencies keeping their history', async () => {
    const root = (await t.request('GET', '/api/agencies', { as: 'admin' })).body.find(
      (a: { abbreviation: string }) => a.abbreviation === 'UBND',
    );
    const snv = root.children.find((c: { abbreviation: string }) => c.abbreviation === 'SNV');
    const created = await t.request('POST', '/api/agencies', {
      as: 'admin',
      body: {
        organId: '000.00.51.H42',
        name: 'Ủy ban nhân dân xã Mới',
        abbreviation: 'UBND',
        level: 'commune',
        parentId: root.id,
      },
    });
    assert.equal(created.status, 201);
    const moved = await t.request('POST', `/api/agencies/${created.body.id}/move`, {
      as: 'admin',
      body: { parentId: snv.id },
    });
    assert.equal(moved.status, 201);
    assert.equal(moved.body.parentId, snv.id);
    const cycle = await t.request('POST', `/api/agencies/${snv.id}/move`, {
      as: 'admin',
      body: { parentId: created.body.id },
    });
    assert.equal(cycle.status, 400);
    const merged = await t.request('POST', `/api/agencies/${created.body.id}/merge`, {
      as: 'admin',
      body: { intoId: root.id },
    });
    assert.equal(merged.status, 201);
    assert.equal(merged.body.active, false);
    const history = await t.request('GET', `/api/agencies/${created.body.id}/history`, { as: 'admin' });
    assert.deepEqual(
      history.body.map((h: { kind: string }) => h.kind),
      ['created', 'moved', 'merged'],
    );
  });

  it('bad input gets 4xx, never 500', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/api/agencies', { organId: 'xx', name: '', abbreviation: '!!', level: 'galaxy' }],
      [
        'POST',
        '/api/users',
        { username: 'A B', fullName: 1, agencyId: 'nope', password: 'short', roles: [{ role: 'emperor' }] },
      ],
      ['GET', '/api/users/not-a-uuid', undefined],
      ['GET', '/api/users?role=emperor', undefined],
      ['POST', '/api/organizations/import/planets', undefined],
      [
        'POST',
        '/api/agencies',
        {
          organId: '000.00.00.H42',
          name: 'Trùng',
          abbreviation: 'X',
          level: 'commune',
          parentId: '00000000-0000-4000-8000-000000000000',
          extra: 1,
        },
      ],
    ];
    for (const [method, path, body] of cases) {
      const res = await t.request(method, path, { as: 'admin', body });
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${path} → ${res.status}`);
      assert.ok(res.body.code && res.body.message, `${method} ${path} has code and message`);
    }
  });
});
