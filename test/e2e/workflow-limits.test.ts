import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowInstanceEntity } from '../../src/modules/workflow/workflow-instance.entity.js';
import { WorkflowTimerEntity } from '../../src/modules/workflow/workflow-wait.entity.js';
import { freshDatabase, startTestApp, type TestApp } from '../support/test-app.js';

const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const defs = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions ${NS} id="d" targetNamespace="http://hoso.local/t">${body}</bpmn:definitions>`;

/** A process whose start event is a timer (`kind` value), then one user task. */
const timerStart = (id: string, kind: 'timeCycle' | 'timeDuration', value: string) =>
  defs(`<bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="tick"><bpmn:timerEventDefinition><bpmn:${kind} xsi:type="bpmn:tFormalExpression">${value}</bpmn:${kind}></bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="tick" targetRef="work" />
    <bpmn:userTask id="work"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="clerk" /></bpmn:extensionElements></bpmn:userTask>
  </bpmn:process>`);

/** start → wait (intermediate timer `duration`) → gateway with `condition` → user task, or the end. */
const waitThenDecide = (id: string, duration: string, condition: string) =>
  defs(`<bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" default="toEnd" />
    <bpmn:sequenceFlow id="decide" sourceRef="gw" targetRef="wait"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="toEnd" sourceRef="gw" targetRef="end" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${duration}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>`);

const nestedSubProcesses = (depth: number) => {
  let inner = '<bpmn:startEvent id="innermost" />';
  for (let i = depth - 1; i >= 0; i--) inner = `<bpmn:subProcess id="sp${i}">${inner}</bpmn:subProcess>`;
  return defs(`<bpmn:process id="deep" isExecutable="true"><bpmn:startEvent id="s" />${inner}</bpmn:process>`);
};

async function deploy(t: TestApp, xml: string) {
  return t.request('POST', '/api/workflow/definitions', {
    as: 'admin',
    raw: xml,
    headers: { 'content-type': 'application/xml' },
  });
}

function refusedAt(res: { status: number; body: any }, elementId: string | undefined, message: RegExp): void {
  assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 300));
  assert.equal(res.body.code, 'BPMN_INVALID');
  const hit = (res.body.errors as { message: string; elementId?: string }[]).find((e) => message.test(e.message));
  assert.ok(hit, `no error matching ${message}: ${JSON.stringify(res.body.errors).slice(0, 500)}`);
  if (elementId) assert.equal(hit.elementId, elementId);
}

describe('deploy limits: timers, FEEL budget, size and nesting of BPMN', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.close());

  it('refuses timer cycles and durations under the minimum (1 minute), naming the element', async () => {
    // this one looped forever in the deploy request (walking from 2000 in steps of nothing)
    refusedAt(
      await deploy(t, timerStart('t-zero-since', 'timeCycle', 'R/2000-01-01T00:00:00Z/PT0S')),
      'tick',
      /PT0S.*minimum of 60 s/,
    );
    refusedAt(await deploy(t, timerStart('t-zero', 'timeCycle', 'R/PT0S')), 'tick', /cycle period "PT0S" is shorter/);
    refusedAt(await deploy(t, timerStart('t-short', 'timeDuration', 'PT30S')), 'tick', /duration "PT30S" is shorter/);
    refusedAt(await deploy(t, waitThenDecide('t-wait', 'PT59S', '=true')), 'wait', /duration "PT59S"/);
    refusedAt(await deploy(t, timerStart('t-bad', 'timeCycle', 'R/PTxS')), 'tick', /invalid ISO 8601 duration/);
    const list = (await t.request('GET', '/api/workflow/definitions', { as: 'admin' })).body as { processId: string }[];
    assert.ok(!list.some((d) => d.processId.startsWith('t-')), 'nothing deployed');
  });

  it('deploys a one-minute cycle started in 2000: its next due time is computed, within the next minute', async () => {
    const before = Date.now();
    assert.equal((await deploy(t, timerStart('t-minute', 'timeCycle', 'R/2000-01-01T00:00:00Z/PT1M'))).status, 201);
    const rows = await t.dataSource.getRepository(WorkflowTimerEntity).findBy({ elementId: 'tick' });
    assert.equal(rows.length, 1);
    const due = new Date(rows[0].dueAt).getTime();
    assert.ok(due >= before - 1000 && due <= Date.now() + 60_000, new Date(due).toISOString());
    assert.equal(new Date(due).getUTCSeconds(), 0, 'on the minute, as counted from 2000-01-01T00:00:00Z');
  });

  it('refuses an expression that runs away without variables, and stops one that runs away with them', async () => {
    refusedAt(
      await deploy(t, waitThenDecide('f-const', 'PT1M', '=count(for i in 1..100000000 return i) &gt; 0')),
      'decide',
      /takes longer than 100 ms/,
    );
    const withVariable = await deploy(t, waitThenDecide('f-var', 'PT1M', '=count(for i in 1..n return i) &gt; 0'));
    assert.equal(withVariable.status, 201, `judged when it runs: ${JSON.stringify(withVariable.body).slice(0, 400)}`);
    const started = await t.request('POST', '/api/workflow/instances', {
      as: 'admin',
      body: { processId: 'f-var', variables: { n: 100_000_000 } },
    });
    const health = await t.request('GET', '/api/health');
    assert.equal(health.status, 200);
    // the evaluation is stopped after its budget: the start is refused or the instance stands in an incident
    if (started.status === 201) {
      const detail = await t.request('GET', `/api/workflow/instances/${started.body.id}`, { as: 'admin' });
      assert.equal(detail.body.state, 'incident', JSON.stringify(detail.body).slice(0, 400));
      assert.match(JSON.stringify(detail.body.incidents), /longer than 100 ms/);
    } else {
      assert.ok(started.status >= 400 && started.status < 500, `${started.status} ${JSON.stringify(started.body)}`);
      assert.match(JSON.stringify(started.body), /longer than 100 ms|decide|evaluate/);
    }
    const small = await t.request('POST', '/api/workflow/instances', {
      as: 'admin',
      body: { processId: 'f-var', variables: { n: 3 } },
    });
    assert.equal(small.status, 201, 'the same expression over a small range runs');
  });

  it('refuses documents nested deeper than 300 elements or with more than 20,000 elements, before parsing', async () => {
    refusedAt(await deploy(t, nestedSubProcesses(400)), undefined, /nested more than 300 deep/);
    assert.equal((await deploy(t, nestedSubProcesses(20))).status, 400, 'an empty sub-process chain is no process');
    const many = defs(
      `<bpmn:process id="many" isExecutable="true"><bpmn:startEvent id="s">${'<bpmn:documentation/>'.repeat(20_001)}</bpmn:startEvent></bpmn:process>`,
    );
    refusedAt(await deploy(t, many), undefined, /more than 20000 XML elements/);
  });

  it('refuses a loop of elements that never wait (Camunda no-loop), checked in linear time', async () => {
    const xml = defs(`<bpmn:process id="loop" isExecutable="true">
      <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="spin" />
      <bpmn:task id="spin" /><bpmn:sequenceFlow id="b" sourceRef="spin" targetRef="gw" />
      <bpmn:exclusiveGateway id="gw" default="c" />
      <bpmn:sequenceFlow id="c" sourceRef="gw" targetRef="spin" />
      <bpmn:sequenceFlow id="out" sourceRef="gw" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=false</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:endEvent id="e" />
    </bpmn:process>`);
    refusedAt(await deploy(t, xml), 'spin', /Loop detected: .*spin/);
  });
});

describe('scheduler: a zero-interval timer row written before the limits does not starve the server', () => {
  it('starts with a PT0S cycle row due since 2000, serves, and moves the row into the future', async () => {
    const db = await freshDatabase();
    const first = await startTestApp({ db });
    assert.equal((await deploy(first, timerStart('t-legacy', 'timeCycle', 'R/PT1M'))).status, 201);
    await first.dataSource
      .getRepository(WorkflowTimerEntity)
      .update({ elementId: 'tick' }, { period: 'PT0S', dueAt: new Date('2000-01-01T00:00:00Z'), repeatLeft: -1 });
    await first.app.close();

    const t = await startTestApp({ db, env: { ENGINE_POLL_MS: '100' } });
    try {
      assert.equal((await t.request('GET', '/api/health')).status, 200);
      const timers = t.dataSource.getRepository(WorkflowTimerEntity);
      let row = await timers.findOneByOrFail({ elementId: 'tick' });
      for (let i = 0; i < 100 && new Date(row.dueAt).getTime() < Date.now(); i++) {
        await new Promise((r) => setTimeout(r, 100));
        row = await timers.findOneByOrFail({ elementId: 'tick' });
      }
      assert.ok(new Date(row.dueAt).getTime() > Date.now(), `still due: ${new Date(row.dueAt).toISOString()}`);
      assert.ok(new Date(row.dueAt).getTime() <= Date.now() + 60_000, 'repeats at the minimum interval');
      for (let i = 0; i < 5; i++) assert.equal((await t.request('GET', '/api/health')).status, 200);
      const started = await t.dataSource.getRepository(WorkflowInstanceEntity).countBy({ processId: 't-legacy' });
      assert.equal(started, 1, 'fired once for the whole overdue stretch, not once per zero-length period');
    } finally {
      await t.close();
    }
  });
});
