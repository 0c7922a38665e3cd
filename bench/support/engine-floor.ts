import { availableParallelism } from 'node:os';
import { InstanceRun, prepareSource } from '../../src/modules/workflow/engine/embedded/instance-run.js';
import { compile, parseModel } from '../../src/modules/workflow/engine/embedded/model.js';

/**
 * The engine's part of a task completion, alone: in this process, no database, no HTTP. Each iteration does
 * what the embedded engine does for a completion whose instance is not live in memory: a new bpmn-engine
 * recovered from the instance's saved state and resumed, the user task signalled, the instance run to its
 * end, its state serialized. CPU time (this process: bpmn-engine is synchronous), after `warmup` unmeasured.
 * No completion through the API can cost less; `cores / msEach` bounds completions per second on this machine.
 */
export async function engineFloor(
  xml: string,
  processId: string,
  iterations = 2000,
  warmup = 500,
): Promise<{ msEach: number; bestPerSecond: number; iterations: number }> {
  const def = compile(await parseModel(xml), 'floor', processId, 1);
  prepareSource(def);
  const flush = () => new Promise((r) => setImmediate(r));
  const first = new InstanceRun('floor-0', def, { vars: { assignee: 'u' }, locals: {} });
  first.reset(null);
  await first.engine.execute();
  await flush();
  const waiting = first.waits.find((w) => def.elements.get(w.elementId)?.isUserTask);
  if (!waiting) throw new Error(`${processId} does not wait on a user task`);
  const state = await first.getState();
  const once = async (i: number) => {
    const run = new InstanceRun(`floor-${i}`, def, { vars: { assignee: 'u' }, locals: {} });
    run.engine.recover(JSON.parse(state));
    await run.engine.resume();
    await flush();
    run.reset(null);
    const api = run.findApi(waiting.executionId);
    if (!api) throw new Error('the recovered instance does not wait on its task');
    api.signal({});
    await flush();
    if (!run.ended) throw new Error('the instance did not end after its task');
    await run.getState();
  };
  for (let i = 0; i < warmup; i++) await once(i);
  const cpu = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await once(i);
  const used = process.cpuUsage(cpu);
  const msEach = (used.user + used.system) / 1000 / iterations;
  return {
    msEach: Math.round(msEach * 1000) / 1000,
    bestPerSecond: Math.round(availableParallelism() * (1000 / msEach)),
    iterations,
  };
}
