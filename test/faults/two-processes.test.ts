import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freshDatabase, isMysql } from '../support/test-app.js';
import { client, FAULT_SERVER_JS, pool, startChildServer, type ChildServer } from './support/child-server.js';
import {
  CRASH_PROCESS_ID,
  EFFECT_ENV,
  effectCounts,
  effectProblems,
  openDb,
  startWithCrashProcess,
  waitUntilSettled,
} from './support/effects.js';
import { createOutgoingDocuments } from './support/documents.js';

/**
 * Issue 8: two app processes on one MariaDB advancing the same instances. A first server is killed with
 * instances waiting on timers and in service tasks; then two servers start on the same database at once, both
 * recover the same unfinished instances and both schedulers fire the same timers, while new instances are
 * started through both. Every worker effect must still be applied exactly once. Then documents move through
 * both servers, each review completed through both at the same moment: one wins, each step is applied once.
 */
const INSTANCES = Number(process.env.FAULT_INSTANCES_TWO ?? 300);
/** Documents moved through both servers in the second case. */
const DOCUMENTS = 30;

describe(
  'two app processes on one database',
  { skip: isMysql ? false : 'MariaDB only (one SQLite file is one writer)' },
  () => {
    const servers: ChildServer[] = [];
    const dirs: string[] = [];
    let drop: (() => Promise<void>) | undefined;
    after(async () => {
      for (const s of servers) await s.kill('SIGKILL');
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await drop?.();
    });

    it('given unfinished instances, when two servers recover and advance them together, then no step runs twice', async () => {
      const db = await freshDatabase();
      drop = db.drop;
      const env = EFFECT_ENV;
      const { server: first, api } = await startWithCrashProcess(db);
      servers.push(first);
      await pool(
        Array.from({ length: INSTANCES / 2 }, (_, i) => i),
        16,
        async (i) => {
          const r = await api.call('POST', '/api/workflow/instances', {
            as: 'admin',
            body: { processId: CRASH_PROCESS_ID, businessKey: `two-${i}`, variables: {} },
          });
          assert.equal(r.status, 201);
        },
      );
      first.proc.kill('SIGKILL');
      await first.exited;

      // both start together on the same database (second DATA_DIR: nothing shared but the database)
      const otherDir = mkdtempSync(join(tmpdir(), 'hoso-two-'));
      dirs.push(otherDir);
      const [a, b] = await Promise.all([
        startChildServer({ ...db, entry: FAULT_SERVER_JS, env }),
        startChildServer({ dataDir: otherDir, databaseUrl: db.databaseUrl, entry: FAULT_SERVER_JS, env }),
      ]);
      servers.push(a, b);
      const apis = [client(a.url), client(b.url)];
      await pool(
        Array.from({ length: INSTANCES / 2 }, (_, i) => i),
        16,
        async (i) => {
          const r = await apis[i % 2].call('POST', '/api/workflow/instances', {
            as: 'admin',
            body: { processId: CRASH_PROCESS_ID, businessKey: `two-b-${i}`, variables: {} },
          });
          assert.equal(r.status, 201, `${JSON.stringify(r.body)}\n${[a, b][i % 2].log().slice(-3000)}`);
        },
      );
      const states = await waitUntilSettled(db.databaseUrl, 150_000);
      const notCompleted = [...states].filter(([, s]) => s !== 'completed');
      console.log(`# ${states.size} instances, ${notCompleted.length} not completed`);
      assert.equal(states.size, INSTANCES);
      assert.deepEqual(notCompleted, []);
      const ds = await openDb(db.databaseUrl);
      try {
        assert.deepEqual(effectProblems(await effectCounts(ds), [...states.keys()]), []);
      } finally {
        await ds.destroy();
      }
    });

    it('given documents moving through both servers, when both complete the same review task at once, then one wins and every step is applied once', async () => {
      const db = await freshDatabase();
      const otherDir = mkdtempSync(join(tmpdir(), 'hoso-two-'));
      dirs.push(otherDir);
      // one after the other: the first seeds the demo province, the second finds it there
      const a = await startChildServer({ ...db, entry: FAULT_SERVER_JS });
      const b = await startChildServer({ dataDir: otherDir, databaseUrl: db.databaseUrl, entry: FAULT_SERVER_JS });
      servers.push(a, b);
      const [apiA, apiB] = [client(a.url), client(b.url)];
      type Task = { id: string; businessKey: string; elementId: string; assigneeId: string | null };
      const open = async (api: typeof apiA, as: string, elementId: string, docs: string[]) => {
        const out: Task[] = [];
        for (const scope of ['mine', 'group']) {
          const res = await api.call('GET', `/api/tasks?scope=${scope}&state=open&limit=500`, { as });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          for (const x of res.body as Task[])
            if (x.elementId === elementId && docs.includes(x.businessKey)) out.push(x);
        }
        return out;
      };
      const complete = async (api: typeof apiA, as: string, task: Task, variables: Record<string, unknown>) => {
        const res = await api.call('POST', `/api/tasks/${task.id}/complete`, { as, body: { variables } });
        return res.status;
      };

      // created through A (A keeps their engines live), drafts completed through B
      const docs = await createOutgoingDocuments(apiA, DOCUMENTS, (i) => `Về việc hai máy chủ số ${i}`);
      const drafts = await open(apiB, 'snv.cv', 'draft', docs);
      assert.equal(drafts.length, DOCUMENTS);
      await pool(drafts, 8, async (task) => assert.equal(await complete(apiB, 'snv.cv', task, {}), 200));

      // when: each review is completed through A and through B at the same moment
      const reviews = await open(apiA, 'snv.tp', 'review', docs);
      assert.equal(reviews.length, DOCUMENTS, 'one review task per document');
      const outcomes: number[][] = [];
      await pool(reviews, 4, async (task) => {
        if (!task.assigneeId) await apiA.call('POST', `/api/tasks/${task.id}/claim`, { as: 'snv.tp' });
        const both = await Promise.all(
          [apiA, apiB].map((api) => complete(api, 'snv.tp', task, { decision: 'approve' })),
        );
        outcomes.push(both.sort());
      });
      // then: one completion each, the other refused as a conflict
      assert.deepEqual(
        outcomes.filter((o) => JSON.stringify(o) !== '[200,409]'),
        [],
        'per task: one 200 and one 409',
      );
      // and A, whose engines are two steps behind, goes on from the database
      const checks = await open(apiA, 'snv.vanthu', 'formatCheck', docs);
      assert.equal(checks.length, DOCUMENTS, 'one format check per document');
      await pool(checks, 8, async (task) => {
        if (!task.assigneeId) await apiA.call('POST', `/api/tasks/${task.id}/claim`, { as: 'snv.vanthu' });
        assert.equal(await complete(apiA, 'snv.vanthu', task, { decision: 'approve' }), 200);
      });

      const ds = await openDb(db.databaseUrl);
      try {
        const inList = docs.map(() => '?').join(',');
        const tasks: { id: string; business_key: string; element_id: string; state: string }[] = await ds.query(
          `SELECT id, business_key, element_id, state FROM task WHERE business_key IN (${inList})`,
          docs,
        );
        for (const d of docs)
          assert.deepEqual(
            tasks
              .filter((t) => t.business_key === d)
              .map((t) => `${t.element_id}:${t.state}`)
              .sort(),
            ['draft:done', 'formatCheck:done', 'review:done', 'sign:open'],
            `document ${d}: each step once`,
          );
        const completions: { task_id: string; n: number }[] = await ds.query(
          `SELECT task_id, COUNT(*) AS n FROM task_event WHERE type = 'completed' AND task_id IN (${tasks.map(() => '?').join(',')}) GROUP BY task_id`,
          tasks.map((t) => t.id),
        );
        assert.equal(completions.length, DOCUMENTS * 3, 'a completion event for each done task');
        assert.deepEqual(
          completions.filter((c) => Number(c.n) !== 1),
          [],
          'no task completed twice',
        );
      } finally {
        await ds.destroy();
      }
      const verify = await apiB.call('GET', '/api/audit/verify', { as: 'admin' });
      assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
      for (const s of [a, b]) await s.kill();
      await db.drop();
    });
  },
);
