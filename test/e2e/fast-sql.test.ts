import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fastFindById, fastSelect, fastSelectPage } from '../../src/database/fast-sql.js';
import { TASK_VIEW_COLUMNS } from '../../src/modules/tasks/task.mapper.js';
import { DocumentEntity } from '../../src/modules/documents/document.entity.js';
import { LIST_COLUMNS } from '../../src/modules/documents/document-mapper.js';
import { TaskEntity } from '../../src/modules/tasks/task.entity.js';
import { WorkflowInstanceEntity } from '../../src/modules/workflow/workflow-instance.entity.js';
import { AuditChainHeadEntity } from '../../src/modules/audit/audit-event.entity.js';
import { isMysql, startTestApp, type TestApp } from '../support/test-app.js';

const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="fr" targetNamespace="http://hoso.local/test">
  <bpmn:process id="fast-read" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="Xem xét">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition assignee="=who" candidateGroups="specialist, leader" /></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

/**
 * fastFindById stands in for TypeORM's findOneBy on hot paths (task completion, engine advance): it must give
 * exactly what TypeORM gives — JSON parsed, dates as Date, nulls kept, an instance of the entity — on both drivers.
 */
describe('fastFindById', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    const deployed = await t.request('POST', '/api/workflow/definitions', {
      as: 'admin',
      raw: BPMN,
      headers: { 'content-type': 'application/xml' },
    });
    assert.equal(deployed.status, 201, JSON.stringify(deployed.body));
    for (const variables of [{ who: 'cv.vp' }, { who: null }]) {
      const r = await t.request('POST', '/api/workflow/instances', {
        as: 'admin',
        body: { processId: 'fast-read', businessKey: 'fast-1', variables },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(() => t.close());

  const same = async <T extends object>(
    entity: new () => T,
    ids: string[],
    opts: Parameters<typeof fastFindById>[3] = {},
  ) => {
    const m = t.dataSource.manager;
    for (const id of ids) {
      const fast: T | null = await fastFindById(m, entity, id, opts as never);
      const orm: T | null = await m.findOne(entity, {
        where: { id } as never,
        ...(opts.columns ? { select: Object.fromEntries(opts.columns.map((c) => [c, true])) as never } : {}),
      });
      assert.ok(fast instanceof entity, 'an instance of the entity');
      assert.deepEqual({ ...fast }, { ...orm }, `${entity.name} ${id}`);
    }
  };

  it('hydrates task rows as findOne does (JSON arrays, dates, nulls)', async () => {
    const rows: { id: string }[] = await t.dataSource.query('SELECT id FROM task');
    assert.equal(rows.length, 2);
    await same(
      TaskEntity,
      rows.map((r) => r.id),
    );
    const one = (await fastFindById(t.dataSource.manager, TaskEntity, rows[0].id))!;
    assert.ok(one.createdAt instanceof Date);
    assert.ok(Array.isArray(one.candidateGroups));
  });

  it('hydrates process instances (JSON runtime, long engine state) and reads only the columns asked for', async () => {
    const rows: { id: string }[] = await t.dataSource.query('SELECT id FROM workflow_instance');
    assert.ok(rows.length >= 1);
    await same(
      WorkflowInstanceEntity,
      rows.map((r) => r.id),
    );
    await same(
      WorkflowInstanceEntity,
      rows.map((r) => r.id),
      { columns: ['state', 'revision'] },
    );
    const partial = (await fastFindById(t.dataSource.manager, WorkflowInstanceEntity, rows[0].id, {
      columns: ['revision'],
    }))!;
    assert.deepEqual(Object.keys(partial), ['revision']);
    assert.equal(typeof partial.revision, 'number');
  });

  it('gives null for an id that does not exist, and works on a non-uuid primary key', async () => {
    assert.equal(await fastFindById(t.dataSource.manager, TaskEntity, '00000000-0000-4000-8000-000000000000'), null);
    const heads: { chain: string }[] = await t.dataSource.query('SELECT chain FROM audit_chain_head');
    assert.ok(heads.length >= 1);
    const head = await fastFindById(t.dataSource.manager, AuditChainHeadEntity, heads[0].chain);
    assert.deepEqual({ ...head }, { ...(await t.dataSource.manager.findOneBy(AuditChainHeadEntity, heads[0]))! });
  });

  it('reads a page joined to the statement that chose its ids, in its order, as find does', async () => {
    const m = t.dataSource.manager;
    const me = (await t.request('GET', '/api/auth/me', { as: 'snv.giamdoc' })).body;
    for (const subject of ['Về việc đọc một trang văn bản', 'Kế hoạch thứ hai', 'Báo cáo thứ ba']) {
      const created = await t.request('POST', '/api/documents/outgoing', {
        as: 'snv.cv',
        body: { typeCode: 'CV', subject, signerId: me.id },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const ids = (agencyId: string) =>
      m
        .createQueryBuilder()
        .from(DocumentEntity, 'd')
        .select('d.id', 'id')
        .where('d.agency_id = :agencyId', { agencyId })
        .getQueryAndParameters();
    const order = 'd.created_at DESC, d.id ASC';
    const [sql, params] = ids(me.agencyId);
    const page = (offset: number) =>
      fastSelectPage(
        m,
        DocumentEntity,
        { sql: `${sql} ORDER BY ${order} LIMIT 2 OFFSET ${offset}`, params },
        LIST_COLUMNS,
        order,
      );
    const select = Object.fromEntries(LIST_COLUMNS.map((c) => [c, true]));
    for (const offset of [0, 1]) {
      const fast = await page(offset);
      const orm = await m.find(DocumentEntity, {
        where: { agencyId: me.agencyId },
        order: { createdAt: 'DESC', id: 'ASC' },
        skip: offset,
        take: 2,
        select,
      });
      assert.equal(fast.length, 2);
      assert.deepEqual(
        fast.map((x) => ({ ...x })),
        orm.map((x) => ({ ...x })),
        `page at ${offset}: same rows, same order`,
      );
      assert.ok(fast.every((d) => d instanceof DocumentEntity && d.createdAt instanceof Date));
      assert.deepEqual(Object.keys(fast[0]).sort(), [...LIST_COLUMNS].sort(), 'only the columns asked for');
    }
    const [none, noParams] = ids('00000000-0000-4000-8000-000000000000');
    assert.deepEqual(
      await fastSelectPage(m, DocumentEntity, { sql: `${none} LIMIT 2`, params: noParams }, LIST_COLUMNS, order),
      [],
    );
  });

  it("selects a query builder's rows (its filter, order, limit) with only the columns asked for, as getMany does", async () => {
    const m = t.dataSource.manager;
    const query = () =>
      m
        .getRepository(TaskEntity)
        .createQueryBuilder('t')
        .where('t.state = :state', { state: 'open' })
        .orderBy('t.dueAt IS NULL', 'ASC')
        .addOrderBy('t.createdAt', 'DESC');
    const fast = await fastSelect(m, TaskEntity, query().limit(5), TASK_VIEW_COLUMNS);
    const orm = await query()
      .select(TASK_VIEW_COLUMNS.map((c) => `t.${c}`))
      .take(5)
      .getMany();
    assert.ok(fast.length >= 2 && fast.length <= 5, String(fast.length));
    assert.deepEqual(
      fast.map((x) => ({ ...x })),
      orm.map((x) => ({ ...x })),
    );
    assert.ok(
      fast.every((x) => x instanceof TaskEntity && x.createdAt instanceof Date && Array.isArray(x.candidateGroups)),
    );
    assert.deepEqual(Object.keys(fast[0]).sort(), [...TASK_VIEW_COLUMNS].sort());
    assert.equal((await fastSelect(m, TaskEntity, query().limit(1), ['id'])).length, 1, 'the limit holds');
  });

  it(
    'locks the row with FOR UPDATE on MariaDB (a second transaction waits for the first)',
    { skip: !isMysql },
    async () => {
      const rows: { id: string }[] = await t.dataSource.query('SELECT id FROM task LIMIT 1');
      const id = rows[0].id;
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const first = t.dataSource.transaction(async (m) => {
        await fastFindById(m, TaskEntity, id, { lock: true });
        order.push('first locked');
        await held;
        order.push('first done');
      });
      await new Promise((r) => setTimeout(r, 100));
      const second = t.dataSource.transaction(async (m) => {
        await fastFindById(m, TaskEntity, id, { lock: true });
        order.push('second locked');
      });
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(order, ['first locked'], 'the second waits for the row');
      release();
      await Promise.all([first, second]);
      assert.deepEqual(order, ['first locked', 'first done', 'second locked']);
    },
  );
});
