import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemoWork, type DemoWorkResult } from '../../src/demo/demo-work.js';
import { DEMO_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';

/** `npm start`'s demo work, made through the public API on a fresh demo province. */
describe('demo work: the demo province opens at work', () => {
  let t: TestApp;
  let seeded: DemoWorkResult;
  const year = new Date().getFullYear();

  before(async () => {
    t = await startTestApp();
    seeded = await seedDemoWork({ baseUrl: t.url, password: DEMO_PASSWORD, year });
  });
  after(() => t.close());

  const inbox = async (as: string) =>
    [
      ...(await t.request('GET', '/api/tasks?scope=mine&state=open', { as })).body,
      ...(await t.request('GET', '/api/tasks?scope=group&state=open', { as })).body,
    ].map((x: { businessKey: string; elementId: string }) => `${x.elementId}:${x.businessKey}`);

  it('given a fresh demo province, the file plan is approved and three dossiers are open', async () => {
    assert.equal(seeded.seeded, true);
    const plan = (await t.request('GET', `/api/file-plans/${year}`, { as: 'snv.cv' })).body;
    assert.equal(plan.state, 'approved');
    assert.equal(plan.entries.length, 7);
    const mine = (await t.request('GET', '/api/dossiers', { as: 'snv.cv' })).body.map((d: { id: string }) => d.id);
    assert.deepEqual(new Set(mine), new Set(seeded.dossiers.slice(0, 2)));
    const office = (await t.request('GET', '/api/dossiers', { as: 'snv.cv2' })).body.map((d: { id: string }) => d.id);
    assert.ok(office.includes(seeded.dossiers[2]));
  });

  it('one document is issued with its number and filed; the others wait in the right inboxes', async () => {
    const issued = (await t.request('GET', `/api/documents/${seeded.documents.issued}`, { as: 'snv.cv' })).body;
    assert.equal(issued.status, 'filed');
    assert.match(issued.number ?? '', /^0?1$/);
    const recruitment = (await t.request('GET', `/api/dossiers/${seeded.dossiers[0]}`, { as: 'snv.cv' })).body;
    assert.deepEqual(
      recruitment.items.map((i: { documentId: string }) => i.documentId),
      [seeded.documents.issued],
    );
    const d = seeded.documents;
    assert.ok((await inbox('snv.cv')).includes(`draft:${d.drafting}`));
    assert.ok((await inbox('snv.cv')).includes(`handle:${d.toHandle}`));
    assert.ok((await inbox('snv.tp')).includes(`review:${d.toReview}`));
    assert.ok((await inbox('snv.giamdoc')).includes(`sign:${d.toSign}`));
    assert.ok((await inbox('snv.giamdoc')).includes(`direct:${d.toDirect}`));
  });

  it('runs once: a second start finds the file plan and adds nothing', async () => {
    const count = async () => (await t.request('GET', '/api/documents?limit=100', { as: 'snv.vanthu' })).body.total;
    const before = await count();
    const again = await seedDemoWork({ baseUrl: t.url, password: DEMO_PASSWORD, year });
    assert.equal(again.seeded, false);
    assert.equal(await count(), before);
  });
});
