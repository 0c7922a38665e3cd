import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity.js';
import { DocumentEntity } from '../../src/modules/documents/document.entity.js';
import { WorkflowEngine } from '../../src/modules/workflow/index.js';
import { WorkflowIncidentEntity } from '../../src/modules/workflow/workflow-wait.entity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { me, type Me } from './support/agencies.js';

const xmlHeaders = { 'content-type': 'application/xml' };

/** A minimal Camunda 8 process: start → the given elements in a row → end. */
export function bpmn(id: string, steps: string[]): string {
  const ids = ['start', ...steps.map((_, i) => `s${i + 1}`), 'end'];
  const flows = ids
    .slice(1)
    .map((to, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${ids[i]}" targetRef="${to}" />`)
    .join('\n    ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Defs" targetNamespace="http://hoso.local/test" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" />
    ${steps.map((s, i) => s.replace('ID', `s${i + 1}`)).join('\n    ')}
    <bpmn:endEvent id="end" />
    ${flows}
  </bpmn:process>
</bpmn:definitions>`;
}

const service = (type: string, extra = '') =>
  `<bpmn:serviceTask id="ID"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" />${extra}</bpmn:extensionElements></bpmn:serviceTask>`;
const userTask = (assignment: string) =>
  `<bpmn:userTask id="ID" name="Ký số văn bản"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition ${assignment} /></bpmn:extensionElements></bpmn:userTask>`;

/**
 * Issue 21's attacks, as a commune's administrator (thachkim.admin: admin and process-admin of xã Thạch Kim)
 * and an agency administrator (snv.admin) tried them on the demo province: each now does no harm.
 */
describe('process layer as a trust boundary between agencies', () => {
  let t: TestApp;
  const ids: Record<string, Me> = {};
  let ubndDraft: string;
  before(async () => {
    t = await startTestApp();
    t.app.get(WorkflowEngine).registerWorker('test.generic', async () => ({ variables: { ran: true } }));
    for (const u of ['admin', 'thachkim.admin', 'snv.admin', 'snv.cv', 'cv.vp', 'chutich', 'thachkim.cv'])
      ids[u] = await me(t, u);
    const draft = await t.request('POST', '/api/documents/outgoing', {
      as: 'cv.vp',
      body: { typeCode: 'CV', subject: 'Dự thảo của UBND tỉnh', body: 'Nội dung.', signerId: ids.chutich.id },
    });
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    ubndDraft = draft.body.id;
  });
  after(() => t.close());

  const deploy = (as: string, xml: string, query = '') =>
    t.request('POST', `/api/workflow/definitions${query}`, { as, raw: xml, headers: xmlHeaders });
  const docRow = () => t.dataSource.manager.findOneByOrFail(DocumentEntity, { id: ubndDraft });

  it("a custom process calling hoso's domain task types is refused at deploy, naming the elements", async () => {
    const xml = bpmn('chiem-so', [service('documents.assign-number'), service('documents.issue')]);
    const r = await deploy('thachkim.admin', xml);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.code, 'BPMN_INVALID');
    const refused = r.body.errors.filter((e: { rule?: string }) => e.rule === 'task-type-catalogue');
    assert.deepEqual(
      refused.map((e: { elementId: string }) => e.elementId),
      ['s1', 's2'],
    );
    const check = await t.request('POST', '/api/workflow/definitions/validate', {
      as: 'thachkim.admin',
      raw: xml,
      headers: xmlHeaders,
    });
    assert.equal(check.body.valid, false, 'the editor check says the same');
    const list = await t.request('GET', '/api/workflow/definitions', { as: 'thachkim.admin' });
    assert.ok(!list.body.some((d: { processId: string }) => d.processId === 'chiem-so'), 'nothing deployed');
  });

  it('a hand-made instance naming a foreign document raises an incident and leaves the document untouched', async () => {
    // given the same process in the table (as if deployed before the policy existed), run for Thạch Kim
    const engine = t.app.get(WorkflowEngine);
    const xml = bpmn('chiem-so-cu', [service('documents.assign-number'), service('documents.issue')]);
    await engine.deploy(xml, { source: 'api', agencyId: ids['thachkim.admin'].agencyId });
    const before = await docRow();
    for (const object of [null, { type: 'document' as const, id: ubndDraft }]) {
      const { id } = await engine.start({
        processId: 'chiem-so-cu',
        variables: { documentId: ubndDraft },
        businessKey: ubndDraft,
        agencyId: ids['thachkim.admin'].agencyId,
        object,
      });
      await engine.idle();
      const incidents = await t.dataSource.manager.findBy(WorkflowIncidentEntity, { instanceId: id });
      assert.deepEqual(
        incidents.map((i) => [i.elementId, i.type]),
        [['s1', 'OBJECT_REFUSED']],
      );
      const audit = await t.dataSource.manager.findOneBy(AuditEventEntity, {
        action: 'workflow.job.refused',
        entityId: id,
      });
      assert.ok(audit, 'the refusal is audited');
    }
    const after = await docRow();
    assert.equal(after.status, before.status);
    assert.equal(after.notation, before.notation);
    assert.equal(after.registerId, before.registerId);
  });

  it("a commune's redeploy of outgoing-document is its own variant; other agencies keep theirs", async () => {
    const original = await t.request('GET', '/api/workflow/definitions/outgoing-document/xml', { as: 'admin' });
    const variant = String(original.body).replace('name="Lãnh đạo đơn vị duyệt nội dung"', 'name="Xã duyệt"');
    const r = await deploy('thachkim.admin', variant);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.ownerAgencyId, ids['thachkim.admin'].agencyId);
    const mine = await t.request('GET', '/api/workflow/definitions', { as: 'thachkim.admin' });
    const theirs = await t.request('GET', '/api/workflow/definitions', { as: 'snv.admin' });
    const outgoing = (b: { processId: string }[]) => b.find((d) => d.processId === 'outgoing-document') as any;
    assert.equal(outgoing(mine.body).version, r.body.version);
    assert.equal(outgoing(mine.body).own, true);
    assert.notEqual(outgoing(theirs.body).version, r.body.version);
    assert.equal(outgoing(theirs.body).own, false, 'Sở Nội vụ runs the province default');
    // another agency cannot read the commune's variant, by version either
    const peek = await t.request('GET', `/api/workflow/definitions/outgoing-document/xml?version=${r.body.version}`, {
      as: 'snv.admin',
    });
    assert.equal(peek.status, 404);
    // UBND's next top-secret draft and Sở Nội vụ's next draft run on the default; the commune's on its variant
    const start = async (as: string, signer: string, extra = {}) => {
      const d = await t.request('POST', '/api/documents/outgoing', {
        as,
        body: { typeCode: 'CV', subject: 'Văn bản sau khi xã triển khai', body: '…', signerId: signer, ...extra },
      });
      assert.equal(d.status, 201, JSON.stringify(d.body));
      const inst = await t.request('GET', `/api/workflow/instances?businessKey=${d.body.id}`, { as: 'admin' });
      return { id: d.body.id as string, version: inst.body[0]?.version as number };
    };
    const ubnd = await start('cv.vp', ids.chutich.id, { secrecy: 'top-secret' });
    const snv = await start('snv.cv', (await me(t, 'snv.giamdoc')).id);
    const tk = await start('thachkim.cv', (await me(t, 'thachkim.chutich')).id);
    assert.equal(tk.version, r.body.version);
    assert.notEqual(ubnd.version, r.body.version);
    assert.notEqual(snv.version, r.body.version);
    for (const u of ['thachkim.admin', 'thachkim.cv', 'thachkim.tp', 'thachkim.chutich']) {
      const inbox = await t.request('GET', '/api/tasks?scope=group&state=open', { as: u });
      assert.ok(!JSON.stringify(inbox.body).includes(ubnd.id), `${u} never sees UBND's draft`);
    }
  });

  it('starts naming another agency, its objects or a document flow are refused', async () => {
    await deploy('thachkim.admin', bpmn('thong-bao', [service('test.generic')]));
    const start = (body: Record<string, unknown>, as = 'thachkim.admin') =>
      t.request('POST', '/api/workflow/instances', { as, body: { processId: 'thong-bao', ...body } });
    assert.equal((await start({ variables: { agencyId: ids.admin.agencyId } })).status, 404);
    assert.equal((await start({ variables: { documentId: ubndDraft } })).status, 404);
    assert.equal((await start({ variables: { dossierId: ubndDraft } })).status, 404);
    assert.equal((await start({ businessKey: ubndDraft })).status, 404);
    const own = await start({ variables: { initiator: ids['thachkim.admin'].id } });
    assert.equal(own.status, 400);
    assert.equal(own.body.code, 'WORKFLOW_VARIABLE_SERVER_OWNED');
    const domain = await t.request('POST', '/api/workflow/instances', {
      as: 'admin',
      body: { processId: 'outgoing-document', variables: {} },
    });
    assert.equal(domain.status, 403);
    assert.equal(domain.body.code, 'WORKFLOW_DOMAIN_PROCESS');
    const ok = await start({ variables: { note: 'thử' } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    // and another agency's administrator can neither see nor cancel it
    const cancel = await t.request('POST', `/api/workflow/instances/${ok.body.id}/cancel`, { as: 'snv.admin' });
    assert.equal(cancel.status, 404);
  });

  it('deploys for another agency, and mappings onto server-owned variables, are refused', async () => {
    const xml = bpmn('thong-bao-2', [service('test.generic')]);
    assert.equal((await deploy('thachkim.admin', xml, `?agencyId=${ids.admin.agencyId}`)).status, 404);
    const out = bpmn('ghi-de', [
      service(
        'test.generic',
        '<zeebe:ioMapping><zeebe:output source="=&quot;x&quot;" target="agencyId" /></zeebe:ioMapping>',
      ),
      service('test.generic', '<zeebe:ioMapping><zeebe:input source="=1" target="documentId" /></zeebe:ioMapping>'),
    ]);
    const r = await deploy('thachkim.admin', out);
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.body.errors.filter((e: { rule?: string }) => e.rule === 'server-owned-variable').map((e: any) => e.elementId),
      ['s1', 's2'],
    );
  });

  it("no task of another agency: a tenant's model naming UBND's leaders and units gets none of them", async () => {
    const unit = (await t.request('GET', `/api/agencies/${ids.admin.agencyId}/units`, { as: 'admin' })).body[0].id;
    const xml = bpmn('cai-viec', [
      userTask(`assignee="${ids.chutich.id}" candidateGroups="leader@${unit}" candidateUsers="${ids.chutich.id}"`),
    ]);
    assert.equal((await deploy('thachkim.admin', xml)).status, 201);
    const r = await t.request('POST', '/api/workflow/instances', {
      as: 'thachkim.admin',
      body: { processId: 'cai-viec', variables: { subject: 'Ký số văn bản' } },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await t.app.get(WorkflowEngine).idle();
    for (const scope of ['mine', 'group']) {
      const inbox = await t.request('GET', `/api/tasks?scope=${scope}&state=open`, { as: 'chutich' });
      assert.ok(
        !inbox.body.some((x: { processInstanceId?: string }) => x.processInstanceId === r.body.id),
        `chutich's ${scope} inbox has no planted task`,
      );
    }
    const task = await t.dataSource.query('SELECT agency_id, assignee_id FROM task WHERE process_instance_id = ?', [
      r.body.id,
    ]);
    assert.deepEqual(
      task.map((x: { agency_id: string; assignee_id: string | null }) => [x.agency_id, x.assignee_id]),
      [[ids['thachkim.admin'].agencyId, null]],
    );
  });

  it('nobody changes their own roles; governing roles only from someone holding them there', async () => {
    const self = await t.request('PATCH', `/api/users/${ids['snv.admin'].id}`, {
      as: 'snv.admin',
      body: { roles: [{ role: 'admin' }, { role: 'process-admin' }] },
    });
    assert.equal(self.status, 403);
    assert.equal(self.body.code, 'ROLE_SELF_CHANGE');
    const other = await t.request('PATCH', `/api/users/${ids['snv.cv'].id}`, {
      as: 'snv.admin',
      body: { roles: [{ role: 'staff' }, { role: 'process-admin' }] },
    });
    assert.equal(other.status, 403);
    assert.equal(other.body.code, 'ROLE_NOT_HELD');
    const meNow = await t.request('GET', '/api/auth/me', { as: 'snv.admin' });
    assert.ok(!meNow.body.permissions.includes('workflow.deploy'), 'snv.admin still cannot deploy');
    // control: the province administrator, admin over the whole tree, makes a Sở Nội vụ user an admin there
    const granted = await t.request('PATCH', `/api/users/${ids['snv.cv'].id}`, {
      as: 'admin',
      body: { roles: [{ role: 'staff' }, { role: 'admin' }] },
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
  });
});
