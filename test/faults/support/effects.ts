import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { client, FAULT_SERVER_JS, ROOT, startChildServer, type ChildServer } from './child-server.js';

export const CRASH_PROCESS_ID = 'faults-crash';
/** Service tasks of test/faults/fixtures/faults-crash.bpmn; each must leave exactly one effect per instance. */
export const CRASH_EFFECT_ELEMENTS = ['a', 'b', 'c', 'd'];
export const crashBpmn = () => readFileSync(join(ROOT, 'test', 'faults', 'fixtures', 'faults-crash.bpmn'), 'utf8');

/** A direct connection to the database a child server uses (SQLite file or MariaDB database). */
export async function openDb(databaseUrl: string): Promise<DataSource> {
  const ds = databaseUrl.startsWith('sqlite:')
    ? new DataSource({ type: 'better-sqlite3', database: databaseUrl.slice('sqlite:'.length) })
    : new DataSource({ type: 'mysql', url: databaseUrl.replace(/^mariadb:/, 'mysql:') });
  await ds.initialize();
  return ds;
}

/** instance id → element id → number of times the `faults.effect` worker's effect was committed. */
export async function effectCounts(ds: DataSource): Promise<Map<string, Map<string, number>>> {
  const rows: { entity_id: string; data: string }[] = await ds.query(
    `SELECT entity_id, data FROM audit_event WHERE action = 'faults.effect'`,
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const elementId = (JSON.parse(r.data) as { elementId: string }).elementId;
    if (!out.has(r.entity_id)) out.set(r.entity_id, new Map());
    const m = out.get(r.entity_id)!;
    m.set(elementId, (m.get(elementId) ?? 0) + 1);
  }
  return out;
}

/** Problems found: effects applied twice, or missing for a completed instance. Empty means exactly once. */
export function effectProblems(counts: Map<string, Map<string, number>>, completed: string[]): string[] {
  const problems: string[] = [];
  for (const [id, m] of counts)
    for (const [el, n] of m) if (n !== 1) problems.push(`instance ${id} element ${el}: effect applied ${n} times`);
  for (const id of completed)
    for (const el of CRASH_EFFECT_ELEMENTS)
      if (!counts.get(id)?.get(el)) problems.push(`instance ${id} completed without the effect of ${el}`);
  return problems;
}

/** id → state of every instance of the crash process, read from the database. */
export async function instanceStates(databaseUrl: string): Promise<Map<string, string>> {
  const ds = await openDb(databaseUrl);
  try {
    const rows: { id: string; state: string }[] = await ds.query(
      `SELECT id, state FROM workflow_instance WHERE process_id = '${CRASH_PROCESS_ID}'`,
    );
    return new Map(rows.map((r) => [r.id, r.state]));
  } finally {
    await ds.destroy();
  }
}

/** Polls (bounded) until no crash-process instance is active. */
export async function waitUntilSettled(databaseUrl: string, timeoutMs: number): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await instanceStates(databaseUrl);
    const active = [...states.values()].filter((s) => s === 'active').length;
    if (!active || Date.now() > deadline) return states;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * After a crash: waits (bounded) until the crash-process instances settle, then asserts that every one completed,
 * that none acknowledged to a client is missing, and that each worker effect was applied exactly once.
 */
export async function assertAllCompletedOnce(
  databaseUrl: string,
  acknowledged: Set<string>,
  timeoutMs: number,
  note = '',
): Promise<Map<string, string>> {
  const states = await waitUntilSettled(databaseUrl, timeoutMs);
  const notCompleted = [...states].filter(([, s]) => s !== 'completed');
  console.log(
    `# ${note}${states.size} instances in the DB (${states.size - acknowledged.size} created but unacknowledged at the kill); not completed: ${notCompleted.length}`,
  );
  assert.deepEqual(notCompleted, [], 'every instance completes (none active or in incident)');
  for (const id of acknowledged) assert.equal(states.get(id), 'completed', `acknowledged instance ${id} lost`);
  const ds = await openDb(databaseUrl);
  try {
    assert.deepEqual(effectProblems(await effectCounts(ds), [...states.keys()]), []);
  } finally {
    await ds.destroy();
  }
  return states;
}

/** Worker effects take 2 ms: a SIGKILL lands inside their transactions more often. */
export const EFFECT_ENV = { FAULT_EFFECT_DELAY_MS: '2' };

/** Starts the fault server (production app + counted effects) on `db` and deploys the crash process (`bpmn`). */
export async function startWithCrashProcess(
  db: { dataDir: string; databaseUrl: string },
  bpmn = crashBpmn(),
): Promise<{ server: ChildServer; api: ReturnType<typeof client> }> {
  const server = await startChildServer({ ...db, entry: FAULT_SERVER_JS, env: EFFECT_ENV });
  const api = client(server.url);
  const deployed = await api.call('POST', '/api/workflow/definitions', {
    as: 'admin',
    raw: bpmn,
    type: 'application/xml',
  });
  assert.equal(deployed.status, 201, JSON.stringify(deployed.body));
  return { server, api };
}
