import type { ValidationProblem } from '../workflow-engine.port.js';
import {
  evaluateBounded,
  FeelBudgetError,
  FEEL_BUDGET_MS,
  isCostlyFeel,
  isFeel,
  parseCycle,
  shortestDurationMs,
} from './feel.js';
import type { ElementInfo, ParsedModel } from './model.js';

/** All constant FEEL expressions of one deployment are tried within this time; past it the deployment is refused. */
export const DEPLOY_FEEL_BUDGET_MS = 2_000;

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * Literal timer values: readable, and no duration or cycle period under the minimum (TIMER_MIN_INTERVAL_SECONDS).
 * `R/PT0S` deployed and then fired in a loop that starved the scheduler; a FEEL value is checked when it is
 * computed (feel.ts timerDue stretches it to the minimum).
 */
export function timerProblems(info: ElementInfo, minMs: number): ValidationProblem[] {
  const t = info.timer;
  const value = t?.value.trim() ?? '';
  if (!t || isFeel(value)) return [];
  const problem = (message: string): ValidationProblem[] => [{ message, elementId: info.id }];
  try {
    if (t.kind === 'timeDate') {
      if (Number.isNaN(Date.parse(value))) return problem(`timer date "${value}" is not an ISO 8601 date-time`);
      return [];
    }
    if (t.kind === 'timeCycle' && !/^R\d*\//.test(value)) return []; // reported as cron by engineProblems
    const period = t.kind === 'timeCycle' ? parseCycle(value).period : value;
    const ms = shortestDurationMs(period);
    if (ms < minMs)
      return problem(
        `timer ${t.kind === 'timeCycle' ? 'cycle period' : 'duration'} "${period}" is shorter than the minimum of ` +
          `${seconds(minMs)} (TIMER_MIN_INTERVAL_SECONDS)`,
      );
  } catch (e) {
    return problem((e as Error).message);
  }
  return [];
}

/** Every expression-bearing value of an element (FEEL or literal), in one place for all deploy checks. */
export function elementExpressions(info: ElementInfo): string[] {
  return [
    ...info.conditions,
    ...info.inputs.map((m) => m.source),
    ...info.outputs.map((m) => m.source),
    info.assignee,
    info.candidateGroups,
    info.candidateUsers,
    info.dueDate,
    info.followUpDate,
    info.message?.correlationKey,
    info.calledElement?.processId,
    info.loop?.inputCollection,
    info.loop?.outputElement,
    info.timer?.value,
  ].filter((s): s is string => typeof s === 'string');
}

/** Every FEEL expression of an element. */
function expressionsOf(info: ElementInfo): string[] {
  return elementExpressions(info).filter(isFeel);
}

/**
 * A runaway expression is refused at deploy when it runs away without any variable (`count(for i in 1..1e9
 * return i)`): each is evaluated once with no variables under the per-expression budget (FEEL_BUDGET_MS), and
 * all of them within DEPLOY_FEEL_BUDGET_MS. Other evaluation errors are expected here (variables are missing) and
 * ignored; an expression that runs away only with some variables becomes an incident when it does.
 */
export function costlyFeelProblems(model: ParsedModel): ValidationProblem[] {
  const started = performance.now();
  const out: ValidationProblem[] = [];
  for (const info of model.elements.values())
    for (const expr of expressionsOf(info)) {
      const body = expr.trimStart().slice(1);
      if (!isCostlyFeel(body)) continue;
      if (performance.now() - started > DEPLOY_FEEL_BUDGET_MS) {
        out.push({
          message: `the FEEL expressions of this model take longer than ${seconds(DEPLOY_FEEL_BUDGET_MS)} to check`,
          elementId: info.id,
        });
        return out;
      }
      try {
        // the budget is wall-clock time: on a machine busy with other work, a cheap expression can be stopped
        // once; it is refused only when it is stopped twice
        try {
          evaluateBounded(body, {});
        } catch (e) {
          if (e instanceof FeelBudgetError) evaluateBounded(body, {});
        }
      } catch (e) {
        if (e instanceof FeelBudgetError)
          out.push({
            message: `FEEL expression "${expr.slice(0, 200)}" takes longer than ${FEEL_BUDGET_MS} ms to evaluate`,
            elementId: info.id,
          });
      }
    }
  return out;
}

/** Elements that never wait (Camunda's no-loop rule): a cycle through them loops forever on Zeebe. */
const LOOP_REQUIRED = new Set(['bpmn:CallActivity', 'bpmn:ManualTask', 'bpmn:Task']);
const LOOP_ELEMENTS = new Set([
  ...LOOP_REQUIRED,
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:ExclusiveGateway',
  'bpmn:InclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:SubProcess',
]);

/**
 * bpmnlint-plugin-camunda-compat's `no-loop`, in linear time: loops made only of elements that never wait (tasks
 * without behaviour, manual tasks, call activities of the process itself, with gateways, sub-processes and
 * their start and end events) are refused. The plugin's version copies its element list and paths for every
 * element: 6,000 tasks took 4.4 s and 15,000 most of a 3-minute validation. Here: Tarjan's strongly connected
 * components over the same edges, without recursion (a chain of 100,000 elements would overflow the stack).
 */
export function loopProblems(model: ParsedModel): ValidationProblem[] {
  const nodes: any[] = [];
  // edges from the sequence flows themselves: `outgoing` is only filled when the XML lists it
  const targets = new Map<any, any[]>();
  const collect = (container: any) => {
    for (const el of container.flowElements ?? []) {
      if (LOOP_ELEMENTS.has(el.$type)) nodes.push(el);
      if (el.$type === 'bpmn:SequenceFlow' && el.sourceRef && el.targetRef)
        targets.set(el.sourceRef, [...(targets.get(el.sourceRef) ?? []), el.targetRef]);
      if (el.flowElements) collect(el);
    }
  };
  for (const p of model.executable) collect(p);
  const relevant = new Set(nodes);
  const next = (el: any): any[] => {
    let from = el;
    if (el.$type === 'bpmn:CallActivity') {
      const called = (el.extensionElements?.values ?? []).find((v: any) => v.$type === 'zeebe:CalledElement');
      let p = el.$parent;
      while (p && p.$type !== 'bpmn:Process') p = p.$parent;
      const id = called?.processId;
      if (typeof id === 'string' && !id.startsWith('=') && p?.id === id)
        return (p.flowElements ?? []).filter((f: any) => f.$type === 'bpmn:StartEvent');
    } else if (el.$type === 'bpmn:SubProcess')
      return (el.flowElements ?? []).filter((f: any) => f.$type === 'bpmn:StartEvent');
    else if (el.$type === 'bpmn:EndEvent' && el.$parent?.$type === 'bpmn:SubProcess') from = el.$parent;
    return targets.get(from) ?? [];
  };
  const index = new Map<any, number>();
  const low = new Map<any, number>();
  const onStack = new Set<any>();
  const stack: any[] = [];
  const out: ValidationProblem[] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: any; edges: any[]; i: number }[] = [];
    const open = (node: any) => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: next(node).filter((n) => relevant.has(n)), i: 0 });
    };
    open(root);
    while (work.length) {
      const top = work[work.length - 1];
      if (top.i < top.edges.length) {
        const to = top.edges[top.i++];
        if (!index.has(to)) open(to);
        else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) !== index.get(top.node)) continue;
      const component: any[] = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== top.node);
      const cyclic = component.length > 1 || top.edges.includes(top.node);
      const required = component.find((e) => LOOP_REQUIRED.has(e.$type));
      if (cyclic && required) {
        const ids = component.slice(0, 10).map((e) => e.id);
        out.push({
          message: `Loop detected: ${ids.reverse().join(' -> ')}${component.length > 10 ? ' -> …' : ''} (no element of it waits)`,
          elementId: required.id,
          rule: 'no-loop',
        });
      }
    }
  }
  return out;
}
