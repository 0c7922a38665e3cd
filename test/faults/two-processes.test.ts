import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freshDatabase, isMysql } from '../support/test-app.js';
import { client, FAULT_SERVER_JS, pool, startChildServer, type ChildServer } from './support/child-server.js';
import {
  CRASH_PROCESS_ID,
  crashBpmn,
  effectCounts,
  effectProblems,
  openDb,
  waitUntilSettled,
} from './support/effects.js';

/**
 * Issue 8: two app processes on one MariaDB advancing the same instances. A first server is killed with
 * instances waiting on timers and in service tasks; then two servers start on the same database at once, both
 * recover the same unfinished instances and both schedulers fire the same timers, while new instances are
 * started through both. Every worker effect must still be applied exactly once.
 */
const INSTANCES = Number(process.env.FAULT_INSTANCES_TWO ?? 300);

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
      const env = { FAULT_EFFECT_DELAY_MS: '2' };
      const first = await startChildServer({ ...db, entry: FAULT_SERVER_JS, env });
      servers.push(first);
      const api = client(first.url);
      const dep = await api.call('POST', '/api/workflow/definitions', {
        as: 'admin',
        raw: crashBpmn(),
        type: 'application/xml',
      });
      assert.equal(dep.status, 201, JSON.stringify(dep.body));
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
  },
);
