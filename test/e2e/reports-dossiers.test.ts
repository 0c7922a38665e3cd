import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DossierEntity, type DossierState } from '../../src/modules/dossiers/dossier.entity.js';
import { FilePlanEntity, FilePlanEntryEntity } from '../../src/modules/dossiers/file-plan.entity.js';
import { AgencyEntity, UnitEntity, UserEntity } from '../../src/modules/organizations/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const YEAR = 2026;

/** Deterministic pseudo-random numbers (mulberry32), so the seeded data set is the same on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface SeedDossier {
  agencyId: string;
  unitId: string | null;
  creatorId: string;
  entryId: string | null;
  year: number;
  state: DossierState;
}
interface SeedEntry {
  id: string;
  agencyId: string;
  unitId: string | null;
}

describe("leaders' statistics on dossiers", () => {
  let t: TestApp;
  const entries: SeedEntry[] = [];
  const dossiers: SeedDossier[] = [];
  let agencies: AgencyEntity[] = [];

  before(async () => {
    t = await startTestApp();
    const ds = t.dataSource;
    const rand = rng(42);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    agencies = await ds.getRepository(AgencyEntity).find();
    let seq = 0;
    const id = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
    const now = new Date('2026-06-01T00:00:00Z');
    for (const a of agencies) {
      const units = await ds.getRepository(UnitEntity).find({ where: { agencyId: a.id } });
      const users = await ds.getRepository(UserEntity).find({ where: { agencyId: a.id } });
      const planned = a.level === 'province' ? 0 : 5 + Math.floor(rand() * 20); // the province has no plan this year
      if (planned) {
        const planId = id();
        await ds
          .getRepository(FilePlanEntity)
          .insert({ id: planId, agencyId: a.id, year: YEAR, state: 'approved', createdAt: now });
        const headingId = id();
        await ds.getRepository(FilePlanEntryEntity).insert({
          id: headingId,
          filePlanId: planId,
          agencyId: a.id,
          year: YEAR,
          kind: 'heading',
          headingId: null,
          subheadingId: null,
          position: 0,
          number: 'I',
          abbreviation: 'TH',
          notation: null,
          title: 'Tổng hợp',
          retentionPermanent: false,
          retentionYears: null,
          responsibleUnitId: null,
          responsiblePersonId: null,
          notes: '',
        });
        for (let i = 1; i <= planned; i++) {
          const e = { id: id(), agencyId: a.id, unitId: rand() < 0.15 ? null : pick(units).id };
          entries.push(e);
          await ds.getRepository(FilePlanEntryEntity).insert({
            id: e.id,
            filePlanId: planId,
            agencyId: a.id,
            year: YEAR,
            kind: 'entry',
            headingId,
            subheadingId: null,
            position: i,
            number: '',
            abbreviation: '',
            notation: `${String(i).padStart(2, '0')}.TH`,
            title: `Hồ sơ ${i}`,
            retentionPermanent: rand() < 0.3,
            retentionYears: 10,
            responsibleUnitId: e.unitId,
            responsiblePersonId: null,
            notes: '',
          });
          // some entries get one dossier, a few two, some none
          const count = rand() < 0.35 ? 0 : rand() < 0.85 ? 1 : 2;
          for (let k = 0; k < count; k++)
            dossiers.push({
              agencyId: a.id,
              unitId: e.unitId,
              creatorId: pick(users).id,
              entryId: e.id,
              year: YEAR,
              state: pick(['open', 'closed', 'submitted', 'archived'] as DossierState[]),
            });
        }
      }
      for (let i = 0; i < 3 + Math.floor(rand() * 5); i++) {
        dossiers.push({
          agencyId: a.id,
          unitId: rand() < 0.2 ? null : pick(units).id,
          creatorId: pick(users).id,
          entryId: null,
          year: YEAR,
          state: pick(['open', 'closed', 'archived'] as DossierState[]),
        });
        dossiers.push({
          agencyId: a.id,
          unitId: pick(units).id,
          creatorId: pick(users).id,
          entryId: null,
          year: YEAR - 1,
          state: 'archived',
        });
      }
    }
    let n = 0;
    for (const d of dossiers) {
      const a = agencies.find((x) => x.id === d.agencyId)!;
      const closed = d.state !== 'open';
      await ds.getRepository(DossierEntity).insert({
        id: id(),
        agencyId: d.agencyId,
        code: `${a.organId}.${d.year}.${++n}.X`,
        year: d.year,
        notation: `${n}.X`,
        filePlanEntryId: d.entryId,
        title: `Hồ sơ ${n}`,
        titleFolded: `ho so ${n}`,
        retentionPermanent: false,
        retentionYears: 10,
        rights: 'Hạn chế',
        creatorId: d.creatorId,
        creatorName: 'x',
        responsibleUnitId: d.unitId,
        language: 'Tiếng Việt',
        state: d.state,
        nextOrder: 1,
        createdAt: now,
        updatedAt: now,
        closedAt: closed ? now : null,
        submittedAt: ['submitted', 'archived'].includes(d.state) ? now : null,
        archivedAt: d.state === 'archived' ? now : null,
      });
    }
  });
  after(() => t.close());

  /** The expected figures, computed from the seed alone. */
  function expected(agencyId: string, unitId?: string | null) {
    const inUnit = <T extends { unitId: string | null }>(x: T) => unitId === undefined || x.unitId === unitId;
    const es = entries.filter((e) => e.agencyId === agencyId && inUnit(e));
    const ds = dossiers.filter((d) => d.agencyId === agencyId && d.year === YEAR && inUnit(d));
    const built = es.filter((e) => dossiers.some((d) => d.entryId === e.id)).length;
    return {
      planned: es.length,
      builtElectronically: built,
      opened: ds.length,
      closed: ds.filter((d) => d.state !== 'open').length,
      submitted: ds.filter((d) => d.state === 'submitted').length,
      transferred: ds.filter((d) => d.state === 'archived').length,
      electronicShare: es.length ? Math.round((built / es.length) * 1000) / 10 : null,
    };
  }
  const figures = (x: Record<string, unknown>) => ({
    planned: x.planned,
    builtElectronically: x.builtElectronically,
    opened: x.opened,
    closed: x.closed,
    submitted: x.submitted,
    transferred: x.transferred,
    electronicShare: x.electronicShare,
  });

  it('the installation admin sees every agency, with counts per agency, unit and person matching the seed', async () => {
    const res = await t.request('GET', `/api/reports/dossiers?year=${YEAR}`, { as: 'admin' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.agencies.length, agencies.length);
    for (const a of res.body.agencies) {
      assert.deepEqual(figures(a), expected(a.agencyId), a.name);
      const level = agencies.find((x) => x.id === a.agencyId)!.level;
      assert.equal(
        a.target,
        ({ province: 90, department: 90, district: 80, commune: 30 } as Record<string, number>)[level],
      );
      for (const u of a.units) assert.deepEqual(figures(u), expected(a.agencyId, u.unitId), `${a.name} / ${u.name}`);
      for (const p of a.people) {
        const mine = dossiers.filter((d) => d.agencyId === a.agencyId && d.year === YEAR && d.creatorId === p.userId);
        assert.equal(p.created, mine.length);
        assert.equal(p.complete, mine.filter((d) => d.state !== 'open').length);
      }
    }
    const communes = agencies.filter((a) => a.level === 'commune').map((a) => expected(a.id));
    const lv = res.body.levels.find((l: { level: string }) => l.level === 'commune');
    assert.equal(
      lv.planned,
      communes.reduce((s, c) => s + c.planned, 0),
    );
    assert.equal(
      lv.builtElectronically,
      communes.reduce((s, c) => s + c.builtElectronically, 0),
    );
    assert.equal(lv.meetsTarget, lv.electronicShare >= 30);
  });

  it('filters by level and by agency subtree; a leader sees only the own agency', async () => {
    const communes = await t.request('GET', `/api/reports/dossiers?year=${YEAR}&level=commune`, { as: 'admin' });
    assert.ok(communes.body.agencies.length >= 2);
    assert.ok(communes.body.agencies.every((a: { level: string }) => a.level === 'commune'));
    const me = (await t.request('GET', '/api/auth/me', { as: 'snv.giamdoc' })).body;
    const own = await t.request('GET', `/api/reports/dossiers?year=${YEAR}`, { as: 'snv.giamdoc' });
    assert.deepEqual(
      own.body.agencies.map((a: { agencyId: string }) => a.agencyId),
      [me.agencyId],
    );
    const commune = communes.body.agencies[0].agencyId;
    assert.equal(
      (await t.request('GET', `/api/reports/dossiers?agencyId=${commune}`, { as: 'snv.giamdoc' })).status,
      404,
    );
    const sub = await t.request('GET', `/api/reports/dossiers?year=${YEAR}&agencyId=${commune}`, { as: 'admin' });
    assert.deepEqual(
      sub.body.agencies.map((a: { agencyId: string }) => a.agencyId),
      [commune],
    );
    assert.equal((await t.request('GET', '/api/reports/dossiers', { as: 'snv.cv' })).status, 403);
  });

  it('exports CSV with one line per level, agency, unit and person', async () => {
    const res = await t.request('GET', `/api/reports/dossiers?year=${YEAR}&format=csv`, { as: 'snv.giamdoc' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
    const lines = String(res.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines[0].split(',')[0], 'scope');
    const agencyLine = lines.find((l) => l.startsWith('agency,'))!;
    const me = (await t.request('GET', '/api/auth/me', { as: 'snv.giamdoc' })).body;
    const e = expected(me.agencyId);
    assert.equal(
      agencyLine.split(',').slice(6, 12).join(','),
      [e.planned, e.builtElectronically, e.opened, e.closed, e.submitted, e.transferred].join(','),
    );
    assert.ok(lines.some((l) => l.startsWith('person,')));
  });
});
