import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WorkflowEngine } from '../../src/modules/workflow/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'processes', 'fixtures');
const basic = readFileSync(join(FIXTURES, 'engine-basic.bpmn'), 'utf8');
const xmlHeaders = { 'content-type': 'application/xml' };

const variant = (mutate: (xml: string) => string) => mutate(basic);
const BAD: [string, string, RegExp, string?][] = [
  ['malformed XML', '<bpmn:definitions><bpmn:process id="x"></bpmn:definitions', /malformed XML/],
  ['XXE', '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', /DOCTYPE/],
  [
    'unknown task type',
    variant((x) => x.replace('type="test.compute"', 'type="nobody.home"')),
    /no worker .*nobody\.home/,
    'compute',
  ],
  [
    'missing assignment',
    variant((x) => x.replace(/<zeebe:assignmentDefinition[^>]*\/>/, '')),
    /without assignment/,
    'review',
  ],
  ['bad FEEL', variant((x) => x.replace('=amount &gt; 100', '=amount &gt; (100')), /invalid FEEL/, 'toReview'],
  [
    'unsupported element',
    variant((x) =>
      x
        .replace(
          '<bpmn:endEvent id="end" />',
          '<bpmn:endEvent id="end"><bpmn:signalEventDefinition signalRef="sig" /></bpmn:endEvent>',
        )
        .replace('</bpmn:process>', '</bpmn:process><bpmn:signal id="sig" name="s" />'),
    ),
    /signal/,
    'end',
  ],
];

describe('workflow API: definitions, instances, incidents', () => {
  let t: TestApp;
  let failNext = 0;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-processes-'));
    writeFileSync(join(dir, 'test-child.bpmn'), readFileSync(join(FIXTURES, 'engine-child.bpmn')));
    process.env.HOSO_PROCESSES_DIR = dir;
    t = await startTestApp();
    delete process.env.HOSO_PROCESSES_DIR;
    t.app.get(WorkflowEngine).registerWorker('test.compute', async (job) => {
      if (failNext > 0) {
        failNext--;
        throw new Error('downstream unavailable');
      }
      return { variables: { amount: Number(job.variables.base ?? 0) * 2 } };
    });
  });
  after(() => t.close());

  it('deploys processes/*.bpmn at start-up', async () => {
    const res = await t.request('GET', '/api/workflow/definitions', { as: 'cv.vp' });
    assert.equal(res.status, 200);
    const child = res.body.find((d: { processId: string }) => d.processId === 'test-child');
    assert.equal(child.version, 1);
    assert.equal(child.source, 'startup');
  });

  it('a process administrator deploys XML; staff may not', async () => {
    const res = await t.request('POST', '/api/workflow/definitions', { as: 'admin', raw: basic, headers: xmlHeaders });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.processId, res.body.version], ['test-basic', 1]);
    const staff = await t.request('POST', '/api/workflow/definitions', {
      as: 'cv.vp',
      raw: basic,
      headers: xmlHeaders,
    });
    assert.equal(staff.status, 403);
  });

  it('deploys a changed version from a multipart upload and lists versions and their XML', async () => {
    const v2 = basic.replace('name="Basic"', 'name="Basic v2"');
    const form = new FormData();
    form.append('file', new Blob([v2], { type: 'application/xml' }), 'basic.bpmn');
    const res = await fetch(`${t.url}/api/workflow/definitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('admin')}` },
      body: form,
    });
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as { version: number }).version, 2);
    const versions = await t.request('GET', '/api/workflow/definitions/test-basic/versions', { as: 'admin' });
    assert.deepEqual(
      versions.body.map((v: { version: number }) => v.version),
      [2, 1],
    );
    const xml1 = await t.request('GET', '/api/workflow/definitions/test-basic/xml?version=1', { as: 'admin' });
    assert.equal(xml1.status, 200);
    assert.match(xml1.headers.get('content-type')!, /xml/);
    assert.equal(xml1.body, basic);
    assert.equal((await t.request('GET', '/api/workflow/definitions/nope/xml', { as: 'admin' })).status, 404);
  });

  for (const [what, xml, message, elementId] of BAD)
    it(`rejects a bad upload (${what}) with 400 naming the problem; the running version still starts`, async () => {
      const res = await t.request('POST', '/api/workflow/definitions', { as: 'admin', raw: xml, headers: xmlHeaders });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.code, 'BPMN_INVALID');
      const hit = res.body.errors.find((e: { message: string }) => message.test(e.message));
      assert.ok(hit, JSON.stringify(res.body.errors));
      if (elementId) assert.equal(hit.elementId, elementId);
      const check = await t.request('POST', '/api/workflow/definitions/validate', {
        as: 'admin',
        raw: xml,
        headers: xmlHeaders,
      });
      assert.equal(check.status, 200);
      assert.equal(check.body.valid, false);
      const versions = await t.request('GET', '/api/workflow/definitions/test-basic/versions', { as: 'admin' });
      assert.equal(versions.body[0].version, 2);
      const started = await t.request('POST', '/api/workflow/instances', {
        as: 'admin',
        body: { processId: 'test-basic', variables: { base: 1 } },
      });
      assert.equal(started.status, 201);
    });

  it('starts, lists, shows history and variables to administrators only, and cancels', async () => {
    const start = await t.request('POST', '/api/workflow/instances', {
      as: 'admin',
      body: {
        processId: 'test-basic',
        businessKey: 'doc-42',
        variables: { base: 100, reviewer: 'someone', unitId: 'u' },
      },
    });
    assert.equal(start.status, 201);
    const id = start.body.id;
    const list = await t.request('GET', '/api/workflow/instances?businessKey=doc-42&state=active', { as: 'admin' });
    assert.deepEqual(
      list.body.map((i: { id: string }) => i.id),
      [id],
    );
    assert.equal(list.body[0].version, 2);
    const detail = await t.request('GET', `/api/workflow/instances/${id}`, { as: 'admin' });
    assert.equal(detail.status, 200);
    assert.deepEqual(
      detail.body.activities.map((a: { elementId: string; state: string }) => `${a.elementId}:${a.state}`),
      ['start:completed', 'compute:completed', 'gw:completed', 'review:active'],
    );
    assert.equal(detail.body.variables.amount, 200);
    const staffView = await t.request('GET', `/api/workflow/instances/${id}`, { as: 'cv.vp' });
    assert.equal(staffView.status, 200);
    assert.equal(staffView.body.variables, undefined);
    assert.equal((await t.request('GET', `/api/workflow/instances/${id}`, { as: 'snv.cv' })).status, 404);
    assert.equal((await t.request('POST', `/api/workflow/instances/${id}/cancel`, { as: 'cv.vp' })).status, 403);
    const cancel = await t.request('POST', `/api/workflow/instances/${id}/cancel`, { as: 'admin' });
    assert.equal(cancel.status, 200);
    assert.equal(cancel.body.state, 'cancelled');
    const after = await t.request('GET', `/api/workflow/instances/${id}`, { as: 'admin' });
    assert.equal(
      after.body.activities.find((a: { elementId: string }) => a.elementId === 'review').state,
      'terminated',
    );
    assert.equal((await t.request('POST', `/api/workflow/instances/${id}/cancel`, { as: 'admin' })).status, 409);
  });

  it('bad input is a 4xx, never a 500', async () => {
    const cases = [
      await t.request('POST', '/api/workflow/instances', { as: 'admin', body: { processId: 'x y' } }),
      await t.request('POST', '/api/workflow/instances', { as: 'admin', body: { processId: 'missing' } }),
      await t.request('POST', '/api/workflow/instances', {
        as: 'admin',
        body: { processId: 'test-basic', variables: 3 },
      }),
      await t.request('GET', '/api/workflow/instances/not-a-uuid', { as: 'admin' }),
      await t.request('GET', '/api/workflow/instances?state=weird', { as: 'admin' }),
      await t.request('POST', '/api/workflow/definitions', { as: 'admin', raw: '', headers: xmlHeaders }),
    ];
    assert.deepEqual(
      cases.map((c) => c.status),
      [400, 404, 400, 400, 400, 400],
    );
  });

  it('a failing worker becomes an incident after its retries; the incident is listed and retried', async () => {
    failNext = 1;
    const retryDeploy = basic.replace('retries="2"', 'retries="1"').replace('name="Basic"', 'name="Basic v3"');
    assert.equal(
      (await t.request('POST', '/api/workflow/definitions', { as: 'admin', raw: retryDeploy, headers: xmlHeaders }))
        .status,
      201,
    );
    const start = await t.request('POST', '/api/workflow/instances', {
      as: 'admin',
      body: { processId: 'test-basic', variables: { base: 1 } },
    });
    const id = start.body.id;
    const incidents = await t.request('GET', `/api/workflow/incidents?state=open&instanceId=${id}`, { as: 'admin' });
    assert.equal(incidents.body.length, 1);
    assert.equal(incidents.body[0].type, 'JOB_NO_RETRIES');
    assert.match(incidents.body[0].message, /downstream unavailable/);
    assert.equal((await t.request('GET', `/api/workflow/instances/${id}`, { as: 'admin' })).body.state, 'incident');
    const retry = await t.request('POST', `/api/workflow/incidents/${incidents.body[0].id}/retry`, { as: 'admin' });
    assert.equal(retry.status, 200);
    assert.equal(retry.body.state, 'resolved');
    assert.equal((await t.request('GET', `/api/workflow/instances/${id}`, { as: 'admin' })).body.state, 'completed');
  });
});
