import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SECRET = 'hoso-xxe-canary-7f3a';

/** A valid one-task process around a payload placed before the root element and inside a name. */
const bpmn = (prolog: string, name: string) => `<?xml version="1.0" encoding="UTF-8"?>
${prolog}
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="http://hoso.local/x">
  <bpmn:process id="hostile-xml" name="${name}" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="e"><bpmn:incoming>f</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

describe('hostile XML in BPMN uploads: external entities and entity bombs are refused with 400', () => {
  let t: TestApp;
  let canary: string;
  before(async () => {
    t = await startTestApp();
    canary = join(t.config.dataDir, 'canary.txt');
    writeFileSync(canary, SECRET);
  });
  after(() => t?.close());

  const cases = () => ({
    'external entity (file)': bpmn(`<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://${canary}">]>`, '&xxe;'),
    'external entity (http)': bpmn('<!DOCTYPE d [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/x">]>', '&xxe;'),
    'parameter entity': bpmn(`<!DOCTYPE d [<!ENTITY % p SYSTEM "file://${canary}"> %p;]>`, 'p'),
    'billion laughs': bpmn(
      '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>',
      '&g;',
    ),
    'quadratic blowup': bpmn(`<!DOCTYPE d [<!ENTITY q "${'x'.repeat(50_000)}">]>`, '&q;'.repeat(2_000)),
    'doctype alone': bpmn('<!DOCTYPE bpmn:definitions>', 'plain'),
  });

  for (const route of ['/api/workflow/definitions', '/api/workflow/definitions/validate']) {
    it(`refuses every variant on ${route}, deploys nothing and never echoes the canary`, async () => {
      const before = (await t.request('GET', '/api/workflow/definitions', { as: 'admin' })).body;
      for (const [label, xml] of Object.entries(cases())) {
        const res = await t.request('POST', route, {
          as: 'admin',
          raw: xml,
          headers: { 'content-type': 'application/xml' },
        });
        const text = JSON.stringify(res.body);
        assert.ok(!text.includes(SECRET), `${label}: canary leaked`);
        if (route.endsWith('validate')) {
          // validation answers 200 with problems, or 400: never a clean bill of health
          assert.ok(
            res.status === 400 || (res.status === 200 && (res.body.errors ?? res.body.problems ?? res.body).length > 0),
            `${label}: ${res.status} ${text.slice(0, 200)}`,
          );
        } else assert.equal(res.status, 400, `${label}: ${res.status} ${text.slice(0, 200)}`);
      }
      assert.deepEqual((await t.request('GET', '/api/workflow/definitions', { as: 'admin' })).body, before);
    });
  }

  it('the same process without a DOCTYPE deploys (the refusals are about the DTD, not the model)', async () => {
    const res = await t.request('POST', '/api/workflow/definitions', {
      as: 'admin',
      raw: bpmn('', 'Quy trình hợp lệ'),
      headers: { 'content-type': 'application/xml' },
    });
    assert.ok(res.status === 201 || res.status === 400, `${res.status}`);
    if (res.status === 400) assert.doesNotMatch(JSON.stringify(res.body), /DOCTYPE|ENTITY|entity/i);
  });
});
