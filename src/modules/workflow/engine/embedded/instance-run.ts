import { createHash } from 'node:crypto';
import { Engine } from 'bpmn-engine';
import * as Elements from 'bpmn-elements';
import type { InstanceRuntime } from '../../workflow-instance.entity.js';
import { evalFeel, FeelError, isFeel } from './feel.js';
import type { CompiledDefinition, ElementInfo } from './model.js';

type Msg = any;

export interface PendingJob {
  jobKey: string;
  executionId: string;
  info: ElementInfo;
  message: Msg;
  callback: (err: Error | null, output?: unknown) => void;
}

interface TimerRef {
  executionId: string;
  elementId: string;
  owner: Msg;
  callback: (...args: unknown[]) => void;
  args: unknown[];
}

export interface HistoryEvent {
  kind: 'start' | 'end' | 'discard';
  executionId: string;
  elementId: string;
  type: string;
  name: string;
}

const defaultExpressions = new (Elements as any).Environment().expressions;

/**
 * bpmn-engine's default Logger creates three `debug` loggers for every element of every engine it builds (each
 * asking the terminal whether it has colours): measured 1.5 % of a task completion's CPU. Silent unless DEBUG asks
 * for bpmn output, when the engine's own logger is kept.
 */
const QUIET = Object.freeze({ debug() {}, error() {}, warn() {} });
const quietLogger = /bpmn/.test(process.env.DEBUG ?? '') ? undefined : () => QUIET;
const RESERVED = new Set(['fields', 'content', 'properties']);

/** Builds the service implementation bpmn-elements instantiates for every task with a zeebe:taskDefinition. */
function HosoService(activity: any) {
  return {
    execute(message: Msg, callback: (err: Error | null, output?: unknown) => void) {
      const run: InstanceRun = activity.environment.options.hosoRun;
      run.onServiceExecute(activity.id, { ...message, environment: activity.environment }, callback);
    },
  };
}

/** Marks the shared, cached source so every service-like task dispatches to our workers (stack trap 5). */
export function prepareSource(def: CompiledDefinition): void {
  for (const activity of def.source.getActivities()) {
    const info = def.elements.get(activity.id);
    if (info?.taskType && !info.isUserTask) activity.behaviour.Service = HosoService;
  }
}

/**
 * One process instance's bpmn-engine, live in memory for the duration of an advance (and cached while its
 * revision matches the database). Variables follow Zeebe: a process scope plus local scopes per execution.
 */
export class InstanceRun {
  readonly engine: any;
  readonly jobs = new Map<string, PendingJob>();
  readonly timers = new Map<string, TimerRef>();
  private readonly endedIds = new Set<string>();
  /** Real timer values by timer execution id (see timerExpression). */
  readonly timerValues = new Map<string, { kind: 'timeDuration' | 'timeDate' | 'timeCycle'; value: string }>();
  private readonly iteration = new Map<string, { executionId: string; scope: Record<string, unknown> }>();
  readonly calls: { executionId: string; elementId: string; message: Msg }[] = [];
  readonly waits: { executionId: string; elementId: string; type: string; message: Msg }[] = [];
  history: HistoryEvent[] = [];
  ended = false;
  error: Error | null = null;
  /** Ops queued by nested calls for this instance inside the same transaction. */
  readonly deferred: ((run: InstanceRun) => void | Promise<void>)[] = [];
  /** Jobs waiting for a back-off or an incident in this advance. */
  readonly blocked = new Set<string>();
  /** User tasks completed through completeUserTask in this advance (others that end were interrupted). */
  readonly completedTasks = new Set<string>();
  readonly nonInterrupting: string[] = [];
  by: string | null = null;
  /** Rebuilt from the database (recovered state or a repeated start): jobs may have been applied already. */
  replaying = false;

  /** Clears what one advance observed; jobs and timers are engine state and stay. */
  reset(by: string | null): void {
    this.history = [];
    this.waits.length = 0;
    this.calls.length = 0;
    this.deferred.length = 0;
    this.blocked.clear();
    this.completedTasks.clear();
    this.nonInterrupting.length = 0;
    this.error = null;
    this.by = by;
  }

  constructor(
    readonly instanceId: string,
    readonly def: CompiledDefinition,
    public runtime: InstanceRuntime,
  ) {
    const timers = this.timers;
    // Our own timers: nothing is scheduled in memory; the scheduler fires them from the database.
    const timerApi = {
      get executing() {
        return [...timers.values()];
      },
      register(owner: Msg) {
        return {
          setTimeout: (callback: TimerRef['callback'], _delay: number, ...args: unknown[]) => {
            const ref: TimerRef = { executionId: owner.executionId, elementId: owner.id, owner, callback, args };
            timers.set(owner.executionId, ref);
            return ref;
          },
          clearTimeout: (ref: TimerRef) => timerApi.clearTimeout(ref),
        };
      },
      setTimeout: (callback: () => void, delay: number) => setTimeout(callback, delay),
      clearTimeout: (ref: TimerRef | NodeJS.Timeout | undefined) => {
        if (ref && (ref as TimerRef).executionId) timers.delete((ref as TimerRef).executionId);
        else if (ref) clearTimeout(ref as NodeJS.Timeout);
        return undefined;
      },
    };
    const expressions = {
      resolveExpression: (expr: unknown, message: Msg, fnCtx: unknown) => {
        const timer = this.timerExpression(expr, message);
        if (timer !== undefined) return timer;
        if (!isFeel(expr)) return defaultExpressions.resolveExpression(expr as string, message, fnCtx);
        const value = evalFeel(expr, this.contextFor(message));
        if (this.def.conditions.has(expr) && typeof value !== 'boolean')
          throw new FeelError(expr, `condition '${expr}' did not evaluate to a boolean (got ${JSON.stringify(value)})`);
        return value;
      },
      isExpression: (t: unknown) => isFeel(t) || defaultExpressions.isExpression(t as string),
      hasExpression: (t: unknown) => isFeel(t) || defaultExpressions.hasExpression(t as string),
    };
    // A per-engine view of the shared source whose serialize() is empty: the state then carries no copy of the
    // definition, and recover() takes the cached one (bpmn-engine recover falls back to the given source).
    const source = Object.create(def.source, { serialize: { value: () => '' } });
    this.engine = new (Engine as any)({
      name: instanceId,
      sourceContext: source,
      expressions,
      timers: timerApi,
      hosoRun: this,
      settings: { enableDummyService: false },
      ...(quietLogger ? { Logger: quietLogger } : {}),
      extensions: { hoso: (activity: any) => this.scopeExtension(activity) },
      // bpmn-engine hands every element event to its listener anyway: listening there costs no extra broker queue
      // and message copy per event (a temporary subscription on the engine broker did)
      listener: {
        emit: (key: string, api: Msg) => {
          if (key.startsWith('activity.') && api?.content)
            this.onActivityEvent(key, { fields: api.fields, content: api.content, properties: api.messageProperties });
        },
      },
    });
    this.engine.broker.subscribeTmp('event', 'engine.end', () => (this.ended = true), { noAck: true });
    this.engine.broker.subscribeTmp(
      'event',
      'engine.error',
      (_: string, m: Msg) =>
        (this.error = m.content instanceof Error ? m.content : new Error(String(m.content?.message ?? m.content))),
      { noAck: true },
    );
    this.engine.on('error', (e: Error) => (this.error = e));
  }

  /**
   * Timer values: bpmn-elements computes due times from the real clock (and fires past dates at once), so it is
   * given a far-future surrogate; the real value is kept for our scheduler, which uses the injected Clock.
   */
  private timerExpression(expr: unknown, message: Msg): string | undefined {
    const c = message?.content;
    const timer = c?.id ? this.def.elements.get(c.id)?.timer : undefined;
    if (!timer || expr !== timer.value || !c.executionId) return undefined;
    const real = String(isFeel(expr) ? evalFeel(expr, this.contextFor(message)) : expr).trim();
    this.timerValues.set(c.executionId, { kind: timer.kind, value: real });
    if (timer.kind === 'timeDate') return '9000-01-01T00:00:00Z';
    if (timer.kind === 'timeCycle') return `${real.split('/')[0]}/P1000Y`;
    return 'P1000Y';
  }

  /**
   * Multi-instance sub-process iterations: each iteration's children share one cloned environment, so the
   * iteration's input element is kept in that environment's variables (serialized with the engine state).
   */
  private scopeExtension(activity: any): undefined {
    const info = this.def.elements.get(activity.id);
    if (!info) return undefined;
    if (info.loop?.inputElement && info.type === 'bpmn:SubProcess') {
      const element = info.loop.inputElement;
      activity.broker.subscribeTmp(
        'execution',
        'execute.#',
        (_: string, msg: Msg) => {
          const c = msg.content;
          if (c.isMultiInstance && c.index !== undefined && !c.isRootScope && element in c)
            this.iteration.set(info.id, {
              executionId: c.executionId,
              scope: { [element]: c[element], loopCounter: c.index + 1 },
            });
        },
        { noAck: true, priority: 10000 },
      );
    }
    const parent = this.def.elements.get(info.scopeId);
    const current = parent?.loop && this.iteration.get(parent.id);
    const vars = activity.environment?.variables;
    if (current && vars && vars.__hosoIteration !== current.executionId) {
      vars.__hosoScope = { ...(vars.__hosoScope ?? {}), ...current.scope };
      vars.__hosoIteration = current.executionId;
    }
    return undefined;
  }

  /** FEEL context: process variables overlaid with the local scopes of the execution and its parents. */
  contextFor(message: Msg): Record<string, unknown> {
    const ids: string[] = [];
    let c = message?.content;
    if (c?.executionId) ids.push(c.executionId);
    let p = c?.parent;
    while (p) {
      if (p.executionId) ids.push(p.executionId);
      p = p.parent;
    }
    const ctx: Record<string, unknown> = { ...this.runtime.vars };
    const envScope = message?.environment?.variables?.__hosoScope;
    if (envScope) Object.assign(ctx, envScope);
    for (const id of ids.reverse()) if (this.runtime.locals[id]) Object.assign(ctx, this.runtime.locals[id]);
    c = message?.content;
    const loop = c?.id ? this.def.elements.get(c.id)?.loop : undefined;
    if (loop?.inputElement && c && loop.inputElement in c) {
      ctx[loop.inputElement] = c[loop.inputElement];
      if (c.index !== undefined) ctx.loopCounter = Number(c.index) + 1;
    }
    return ctx;
  }

  /** The environment an element execution runs in (for the scope of a waiting element). */
  withEnvironment(executionId: string, message: Msg): Msg {
    const api = this.findApi(executionId);
    const environment = api?.owner?.environment ?? api?.environment;
    return environment ? { ...message, environment } : message;
  }

  onServiceExecute(elementId: string, message: Msg, callback: PendingJob['callback']): void {
    const executionId = message.content.executionId as string;
    const info = this.def.elements.get(elementId)!;
    const jobKey = this.jobKeyFor(elementId, executionId);
    this.jobs.set(jobKey, {
      jobKey,
      executionId,
      info,
      message,
      callback,
    });
  }

  /**
   * A job's key must be the same when the instance is run again: from its saved state (the execution id is kept,
   * and so is the key recorded for it) and from its start (bpmn-elements draws new random execution ids, but the
   * n-th activation of an element is the same step, because a replay takes the same path with the recorded results).
   */
  private jobKeyFor(elementId: string, executionId: string): string {
    const keys = (this.runtime.jobKeys ??= {});
    const known = keys[executionId];
    if (known) return known;
    const seq = (this.runtime.jobSeq ??= {});
    const n = (seq[elementId] = (seq[elementId] ?? 0) + 1);
    const element = elementId.length <= 120 ? elementId : createHash('sha256').update(elementId).digest('hex');
    return (keys[executionId] = `${this.instanceId}:${element}:${n}`);
  }

  /** A job has finished: its execution will not ask again. */
  forgetJob(executionId: string): void {
    if (this.runtime.jobKeys) delete this.runtime.jobKeys[executionId];
  }

  private onActivityEvent(key: string, m: Msg): void {
    const c = m.content ?? {};
    const info = this.def.elements.get(c.id);
    if (!info || info.type === 'bpmn:SequenceFlow' || info.type === 'bpmn:Process') return;
    switch (key) {
      case 'activity.start': {
        if (c.isMultiInstance && c.index !== undefined && info.loop?.inputElement) {
          this.runtime.locals[c.executionId] = {
            ...(this.runtime.locals[c.executionId] ?? {}),
            [info.loop.inputElement]: c[info.loop.inputElement] ?? c.item ?? null,
            loopCounter: Number(c.index) + 1,
          };
        }
        if (info.inputs.length && !(info.loop && c.isRootScope)) this.applyInputs(info, m);
        this.history.push({
          kind: 'start',
          executionId: c.executionId,
          elementId: c.id,
          type: info.type,
          name: info.name,
        });
        break;
      }
      case 'activity.wait':
        this.waits.push({ executionId: c.executionId, elementId: c.id, type: info.type, message: m });
        break;
      case 'activity.call':
        this.calls.push({ executionId: c.executionId, elementId: c.id, message: m });
        break;
      case 'activity.end': {
        if (info.loop?.outputCollection && c.isRootScope) this.finishCollection(info, c.executionId);
        if (info.outputs.length && !(info.loop && c.isRootScope)) this.applyOutputs(info, m);
        this.endedIds.add(c.executionId);
        this.history.push({
          kind: 'end',
          executionId: c.executionId,
          elementId: c.id,
          type: info.type,
          name: info.name,
        });
        break;
      }
      case 'activity.discard':
        this.history.push({
          kind: 'discard',
          executionId: c.executionId,
          elementId: c.id,
          type: info.type,
          name: info.name,
        });
        break;
      case 'activity.leave':
        if (this.runtime.jobKeys?.[c.executionId]) delete this.runtime.jobKeys[c.executionId];
        // an interrupted activity (boundary event, terminate) leaves without ending
        if (!this.endedIds.delete(c.executionId))
          this.history.push({
            kind: 'discard',
            executionId: c.executionId,
            elementId: c.id,
            type: info.type,
            name: info.name,
          });
        break;
    }
  }

  private applyInputs(info: ElementInfo, m: Msg): void {
    const ctx = this.contextFor(m);
    const local: Record<string, unknown> = (this.runtime.locals[m.content.executionId] ??= {});
    for (const io of info.inputs) local[io.target] = evalFeel(io.source || `=${io.target}`, { ...ctx, ...local });
  }

  /** Zeebe output mappings: evaluated in the element's scope, written to the process scope. */
  private applyOutputs(info: ElementInfo, m: Msg): void {
    const ctx = { ...this.contextFor(m), ...(this.runtime.pendingOutput ?? {}) };
    for (const io of info.outputs) this.setVar(io.target, evalFeel(io.source || `=${io.target}`, ctx));
  }

  /** outputElement of a finished iteration, evaluated with its output, kept until the activity ends. */
  collectIteration(info: ElementInfo, message: Msg, output: Record<string, unknown> | undefined): void {
    const executionId: string = message?.content?.executionId ?? '';
    const match = /^(.*)_(\d+)$/.exec(executionId);
    if (!info.loop?.outputCollection || !match) return;
    const bucket = (this.runtime.locals[`${match[1]}#out`] ??= { items: [] as unknown[] });
    const value = info.loop.outputElement
      ? evalFeel(info.loop.outputElement, { ...this.contextFor(message), ...(output ?? {}) })
      : null;
    (bucket.items as unknown[])[Number(match[2])] = value;
  }

  private finishCollection(info: ElementInfo, executionId: string): void {
    const bucket = this.runtime.locals[`${executionId}#out`];
    this.setVar(info.loop!.outputCollection!, (bucket?.items as unknown[]) ?? []);
    delete this.runtime.locals[`${executionId}#out`];
  }

  setVar(name: string, value: unknown): void {
    if (RESERVED.has(name)) return; // bpmn-elements owns these names (stack trap 7)
    this.runtime.vars[name] = value;
  }

  /** Merges a job's or a task's output: through output mappings when the element has them, else into the process. */
  mergeOutput(info: ElementInfo, output: Record<string, unknown> | undefined): void {
    if (!output) return;
    if (info.outputs.length) {
      this.runtime.pendingOutput = output;
      return;
    }
    for (const [k, v] of Object.entries(output)) this.setVar(k, v);
  }

  clearPendingOutput(): void {
    delete this.runtime.pendingOutput;
  }

  /** Finds a waiting element API by execution id (user tasks, catch events, call activities, MI iterations). */
  findApi(executionId: string): any {
    const stack: any[] = [...(this.engine.execution?.getPostponed() ?? [])];
    const seen = new Set<any>();
    let owner: any;
    while (stack.length) {
      const api = stack.pop();
      if (!api || seen.has(api)) continue;
      seen.add(api);
      if (api.executionId === executionId || api.content?.executionId === executionId) return api;
      if (api.executionId && executionId.startsWith(`${api.executionId}_`)) owner = api;
      try {
        stack.push(...(api.getPostponed?.() ?? []));
      } catch {
        /* an element without children */
      }
    }
    // A multi-instance iteration is not listed: address it through its activity (iteration id = root id + _n).
    if (owner?.owner?.getApi)
      return owner.owner.getApi({
        fields: {},
        content: { ...owner.content, executionId, isRootScope: false },
        properties: {},
      });
    return undefined;
  }

  async getState(): Promise<string> {
    const state = await this.engine.getState();
    for (const d of state.definitions ?? []) delete d.source;
    return JSON.stringify(state);
  }

  /** Lets the synchronous engine finish what a callback started. */
  static async flush(): Promise<void> {
    await new Promise((r) => setImmediate(r));
  }
}
