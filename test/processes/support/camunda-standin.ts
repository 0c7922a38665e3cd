import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import BpmnModdle from 'bpmn-moddle';
import { evaluate } from 'feelin';

const zeebeSchema = createRequire(__filename)('zeebe-bpmn-moddle/resources/zeebe.json') as object;

/**
 * A STAND-IN for a Camunda 8.8 Orchestration Cluster, for tests: no broker can run here. It speaks the /v2 REST
 * endpoints the Zeebe adapter uses, with the request and response shapes of Camunda's published OpenAPI
 * description (the adapter's SDK client validates both sides against the schemas generated from it when the tests
 * set CAMUNDA_SDK_VALIDATION=strict), and plays the broker's part for a small BPMN subset: start and end events,
 * service tasks (jobs, error boundary events), Camunda user tasks with their task listeners (creating, assigning,
 * completing, canceling — each a job of kind TASK_LISTENER that blocks the transition until completed), exclusive
 * gateways with FEEL conditions, and message catch events with correlation keys and message time-to-live buffering.
 * It is not Zeebe: execution semantics beyond that subset (timers, multi-instance, io mappings…) need a real cluster.
 */

type El = any;
interface Job {
  jobKey: string;
  type: string;
  kind: 'BPMN_ELEMENT' | 'TASK_LISTENER';
  listenerEventType: string;
  instanceKey: string;
  elementId: string;
  retries: number;
  userTaskKey?: string;
  state: 'ready' | 'activated' | 'done';
  /** What happens when the job completes. */
  onComplete: (variables: Record<string, unknown>) => void;
  failures: string[];
}
interface Instance {
  key: string;
  processId: string;
  version: number;
  definitionKey: string;
  tenantId: string;
  variables: Record<string, unknown>;
  state: 'ACTIVE' | 'COMPLETED' | 'CANCELED' | 'INCIDENT';
  process: El;
  /** Elements the instance waits in: element id → what cancels that wait. */
  waits: Map<string, () => void>;
  visited: string[];
}
interface Message {
  name: string;
  correlationKey: string;
  variables: Record<string, unknown>;
  expiresAt: number;
  tenantId: string;
}
export interface Call {
  method: string;
  path: string;
  body: any;
}

export class CamundaStandIn {
  private server?: Server;
  private seq = 2251799813685248n;
  readonly calls: Call[] = [];
  readonly deployments: { tenantId: string; resources: { name: string; content: string }[] }[] = [];
  private readonly processes = new Map<string, { version: number; key: string; process: El; tenantId: string }[]>();
  readonly instances = new Map<string, Instance>();
  readonly jobs = new Map<string, Job>();
  readonly userTasks = new Map<
    string,
    { instanceKey: string; elementId: string; assignee: string | null; state: string; element: El }
  >();
  private messages: Message[] = [];
  private readonly pollers: (() => void)[] = [];
  /** The clock of message TTLs (tests move it). */
  now = () => Date.now();

  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const p of this.pollers.splice(0)) p();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private key(): string {
    this.seq += 1n;
    return String(this.seq);
  }

  // ---------------------------------------------------------------- HTTP

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? '').split('?')[0];
    const method = req.method ?? 'GET';
    const json = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const problem = (status: number, title: string, detail: string) => {
      res.writeHead(status, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', status, title, detail, instance: path }));
    };
    let body: any = undefined;
    const ctype = String(req.headers['content-type'] ?? '');
    if (ctype.startsWith('application/json') && raw.length) body = JSON.parse(raw.toString('utf8'));
    this.calls.push({ method, path, body: body ?? (ctype.startsWith('multipart/') ? '<multipart>' : undefined) });
    try {
      let m: RegExpMatchArray | null;
      if (method === 'POST' && path === '/v2/deployments') return json(200, this.deploy(raw, ctype));
      if (method === 'POST' && path === '/v2/process-instances') return json(200, this.createInstance(body));
      if (method === 'POST' && (m = path.match(/^\/v2\/process-instances\/(\d+)\/cancellation$/)))
        return this.cancelInstance(m[1]) ? json(204) : problem(404, 'NOT_FOUND', `instance ${m[1]}`);
      if (method === 'POST' && path === '/v2/messages/publication') return json(200, this.publish(body));
      if (method === 'POST' && path === '/v2/jobs/activation') return this.activate(body, json);
      if (method === 'POST' && (m = path.match(/^\/v2\/jobs\/(\d+)\/(completion|failure|error)$/)))
        return this.jobAction(m[1], m[2], body ?? {}) ? json(204) : problem(404, 'NOT_FOUND', `job ${m[1]}`);
      if (method === 'POST' && (m = path.match(/^\/v2\/user-tasks\/(\d+)\/(completion|assignment)$/))) {
        const state = this.userTasks.get(m[1])?.state;
        if (!state) return problem(404, 'NOT_FOUND', `user task ${m[1]} not found`);
        // Zeebe rejects a command on a task whose previous transition (its listeners) has not finished
        if (state !== 'CREATED') return problem(409, 'INVALID_STATE', `user task ${m[1]} is in state ${state}`);
        this.userTaskAction(m[1], m[2], body ?? {});
        return json(204);
      }
      return problem(404, 'NOT_FOUND', `${method} ${path} is not served by the stand-in`);
    } catch (e) {
      return problem(400, 'INVALID_ARGUMENT', (e as Error).message);
    }
  }

  // ---------------------------------------------------------------- deployments

  private deploy(raw: Buffer, ctype: string) {
    const boundary = /boundary=("?)([^";]+)\1/.exec(ctype)?.[2];
    if (!boundary) throw new Error('multipart boundary missing');
    const parts = raw
      .toString('utf8')
      .split(`--${boundary}`)
      .slice(1, -1)
      .map((p) => {
        const [head, ...rest] = p.replace(/^\r\n/, '').split('\r\n\r\n');
        return {
          name: /name="([^"]+)"/.exec(head)?.[1] ?? '',
          filename: /filename="([^"]+)"/.exec(head)?.[1],
          content: rest.join('\r\n\r\n').replace(/\r\n$/, ''),
        };
      });
    const tenantId = parts.find((p) => p.name === 'tenantId')?.content ?? '<default>';
    const resources = parts
      .filter((p) => p.name === 'resources')
      .map((p) => ({ name: p.filename!, content: p.content }));
    if (!resources.length) throw new Error('no resources');
    this.deployments.push({ tenantId, resources });
    const deploymentKey = this.key();
    const deployments: unknown[] = [];
    for (const r of resources) {
      if (r.name.endsWith('.form')) {
        const form = JSON.parse(r.content) as { id: string };
        deployments.push({
          form: { formId: form.id, version: 1, resourceName: r.name, tenantId, formKey: this.key() },
        });
        continue;
      }
      for (const m of r.content.matchAll(/<bpmn:process id="([^"]+)"/g)) {
        const versions = this.processes.get(m[1]) ?? [];
        const entry = { version: versions.length + 1, key: this.key(), process: null as El, tenantId, xml: r.content };
        versions.push(entry);
        this.processes.set(m[1], versions);
        deployments.push({
          processDefinition: {
            processDefinitionId: m[1],
            processDefinitionVersion: entry.version,
            resourceName: r.name,
            tenantId,
            processDefinitionKey: entry.key,
          },
        });
        void this.parse(r.content, m[1]).then((p) => (entry.process = p));
      }
    }
    return { tenantId, deploymentKey, deployments };
  }

  private async parse(xml: string, processId: string): Promise<El> {
    const moddle = new BpmnModdle({ zeebe: zeebeSchema } as any);
    const { rootElement } = await moddle.fromXML(xml, 'bpmn:Definitions');
    return rootElement.rootElements.find((e: El) => e.$type === 'bpmn:Process' && e.id === processId);
  }

  /** The BPMN a deployment sent, as the broker received it. */
  deployedXml(processId: string): string | undefined {
    return (this.processes.get(processId)?.at(-1) as { xml?: string } | undefined)?.xml;
  }

  // ---------------------------------------------------------------- instances

  private createInstance(body: any) {
    const versions = this.processes.get(body.processDefinitionId);
    if (!versions?.length) throw new Error(`process ${body.processDefinitionId} not deployed`);
    const v =
      body.processDefinitionVersion && body.processDefinitionVersion > 0
        ? versions.find((x) => x.version === body.processDefinitionVersion)
        : versions.at(-1);
    if (!v?.process) throw new Error('process not parsed yet');
    const inst: Instance = {
      key: this.key(),
      processId: body.processDefinitionId,
      version: v.version,
      definitionKey: v.key,
      tenantId: body.tenantId ?? '<default>',
      variables: { ...(body.variables ?? {}) },
      state: 'ACTIVE',
      process: v.process,
      waits: new Map(),
      visited: [],
    };
    this.instances.set(inst.key, inst);
    const start = v.process.flowElements.find((e: El) => e.$type === 'bpmn:StartEvent');
    this.leave(inst, start);
    return {
      processDefinitionId: inst.processId,
      processDefinitionVersion: inst.version,
      tenantId: inst.tenantId,
      variables: {},
      processDefinitionKey: inst.definitionKey,
      processInstanceKey: inst.key,
    };
  }

  private cancelInstance(key: string): boolean {
    const inst = this.instances.get(key);
    if (!inst || inst.state !== 'ACTIVE') return false;
    inst.state = 'CANCELED';
    for (const [, cancel] of inst.waits) cancel();
    inst.waits.clear();
    return true;
  }

  private ext(el: El, type: string): El | undefined {
    return el.extensionElements?.values?.find((v: El) => v.$type === type);
  }

  private feel(expr: string | undefined, vars: Record<string, unknown>): unknown {
    if (expr === undefined) return undefined;
    return expr.startsWith('=') ? evaluate(expr.slice(1), vars).value : expr;
  }

  private enter(inst: Instance, el: El): void {
    if (inst.state !== 'ACTIVE') return;
    inst.visited.push(el.id);
    switch (el.$type) {
      case 'bpmn:EndEvent':
        if (![...inst.waits.keys()].length) inst.state = 'COMPLETED';
        return;
      case 'bpmn:ServiceTask':
        return this.serviceTask(inst, el);
      case 'bpmn:UserTask':
        return this.userTask(inst, el);
      case 'bpmn:ExclusiveGateway': {
        const out = el.outgoing as El[];
        const taken =
          out.find((f) => f.conditionExpression && this.feel(f.conditionExpression.body, inst.variables) === true) ??
          el.default;
        if (!taken) throw new Error(`no outgoing flow of ${el.id} matched`);
        return this.enter(inst, taken.targetRef);
      }
      case 'bpmn:IntermediateCatchEvent':
        return this.messageCatch(inst, el);
      default:
        return this.leave(inst, el);
    }
  }

  private leave(inst: Instance, el: El): void {
    inst.waits.delete(el.id);
    for (const f of el.outgoing ?? []) this.enter(inst, f.targetRef);
  }

  private serviceTask(inst: Instance, el: El): void {
    const def = this.ext(el, 'zeebe:TaskDefinition');
    const type = String(this.feel(def.type, inst.variables));
    const job = this.newJob(
      inst,
      el,
      type,
      'BPMN_ELEMENT',
      'UNSPECIFIED',
      (v) => {
        Object.assign(inst.variables, v);
        this.leave(inst, el);
      },
      { retries: Number(def.retries ?? 3) },
    );
    inst.waits.set(el.id, () => (job.state = 'done'));
  }

  private userTask(inst: Instance, el: El): void {
    if (!this.ext(el, 'zeebe:UserTask')) throw new Error(`${el.id}: only Camunda user tasks are supported`);
    const key = this.key();
    this.userTasks.set(key, {
      instanceKey: inst.key,
      elementId: el.id,
      assignee: null,
      state: 'CREATING',
      element: el,
    });
    inst.waits.set(el.id, () => this.runListeners(inst, el, key, 'canceling', () => this.userTasks.delete(key)));
    this.runListeners(inst, el, key, 'creating', () => (this.userTasks.get(key)!.state = 'CREATED'));
  }

  /** Task listeners of one event type, one after the other; `then` runs once the last is completed. */
  private runListeners(inst: Instance, el: El, userTaskKey: string, eventType: string, then: () => void): void {
    const listeners = ((this.ext(el, 'zeebe:TaskListeners')?.listeners ?? []) as El[]).filter(
      (l) => l.eventType === eventType,
    );
    const next = (i: number) => {
      if (i >= listeners.length) return then();
      this.newJob(inst, el, listeners[i].type, 'TASK_LISTENER', eventType.toUpperCase(), () => next(i + 1), {
        userTaskKey,
        retries: Number(listeners[i].retries ?? 3),
      });
    };
    next(0);
  }

  private userTaskProperties(key: string) {
    const t = this.userTasks.get(key)!;
    const inst = this.instances.get(t.instanceKey)!;
    const assignment = this.ext(t.element, 'zeebe:AssignmentDefinition');
    const schedule = this.ext(t.element, 'zeebe:TaskSchedule');
    const form = this.ext(t.element, 'zeebe:FormDefinition');
    const list = (v: unknown) =>
      Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [];
    const due = this.feel(schedule?.dueDate, inst.variables);
    return {
      assignee: t.assignee ?? ((this.feel(assignment?.assignee, inst.variables) as string | undefined) || null),
      candidateGroups: list(this.feel(assignment?.candidateGroups, inst.variables)),
      candidateUsers: list(this.feel(assignment?.candidateUsers, inst.variables)),
      dueDate: typeof due === 'string' ? due : null,
      ...(form?.formId ? { formKey: this.key() } : {}),
      userTaskKey: key,
      formId: form?.formId as string | undefined,
    };
  }

  private messageCatch(inst: Instance, el: El): void {
    const def = el.eventDefinitions?.[0];
    const name = def.messageRef.name;
    const correlationKey = String(
      this.feel(this.ext(def.messageRef, 'zeebe:Subscription')?.correlationKey, inst.variables),
    );
    const buffered = this.messages.find(
      (m) => m.name === name && m.correlationKey === correlationKey && m.expiresAt >= this.now(),
    );
    if (buffered) {
      this.messages = this.messages.filter((m) => m !== buffered);
      Object.assign(inst.variables, buffered.variables);
      return this.leave(inst, el);
    }
    inst.waits.set(el.id, () => undefined);
    (inst as any).subscriptions = [...((inst as any).subscriptions ?? []), { name, correlationKey, el }];
  }

  private publish(body: any) {
    const msg: Message = {
      name: body.name,
      correlationKey: body.correlationKey ?? '',
      variables: body.variables ?? {},
      expiresAt: this.now() + Number(body.timeToLive ?? 0),
      tenantId: body.tenantId ?? '<default>',
    };
    for (const inst of this.instances.values()) {
      const subs = ((inst as any).subscriptions ?? []) as { name: string; correlationKey: string; el: El }[];
      const s = subs.find((x) => x.name === msg.name && x.correlationKey === msg.correlationKey);
      if (inst.state === 'ACTIVE' && s) {
        (inst as any).subscriptions = subs.filter((x) => x !== s);
        Object.assign(inst.variables, msg.variables);
        this.leave(inst, s.el);
        return { tenantId: msg.tenantId, messageKey: this.key() };
      }
    }
    // no subscription yet: buffered for its time-to-live (0 = dropped at once, Zeebe's semantics)
    if (Number(body.timeToLive ?? 0) > 0) this.messages.push(msg);
    return { tenantId: msg.tenantId, messageKey: this.key() };
  }

  // ---------------------------------------------------------------- jobs

  private newJob(
    inst: Instance,
    el: El,
    type: string,
    kind: Job['kind'],
    listenerEventType: string,
    onComplete: Job['onComplete'],
    extra: Partial<Job> = {},
  ): Job {
    const job: Job = {
      jobKey: this.key(),
      type,
      kind,
      listenerEventType,
      instanceKey: inst.key,
      elementId: el.id,
      retries: 3,
      state: 'ready',
      onComplete,
      failures: [],
      ...extra,
    };
    this.jobs.set(job.jobKey, job);
    for (const p of this.pollers.splice(0)) p();
    return job;
  }

  private activate(body: any, json: (s: number, b?: unknown) => void): void {
    const pick = () =>
      [...this.jobs.values()]
        .filter(
          (j) =>
            j.state === 'ready' &&
            j.type === body.type &&
            // a cancelled instance still runs its user tasks' canceling listeners
            (this.instances.get(j.instanceKey)?.state === 'ACTIVE' || j.listenerEventType === 'CANCELING'),
        )
        .slice(0, body.maxJobsToActivate ?? 32);
    const answer = () => {
      const jobs = pick();
      for (const j of jobs) j.state = 'activated';
      json(200, { jobs: jobs.map((j) => this.activated(j, body.worker ?? 'worker')) });
    };
    if (pick().length) return answer();
    const timeout = Math.min(Number(body.requestTimeout ?? 0) || 10_000, 10_000);
    let done = false;
    const wake = () => {
      if (done) return;
      if (pick().length) {
        done = true;
        clearTimeout(timer);
        answer();
      } else this.pollers.push(wake);
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      json(200, { jobs: [] });
    }, timeout);
    this.pollers.push(wake);
  }

  private activated(j: Job, worker: string) {
    const inst = this.instances.get(j.instanceKey)!;
    const el = inst.process.flowElements.find((e: El) => e.id === j.elementId);
    const headers = this.ext(el, 'zeebe:TaskHeaders');
    const ut = j.userTaskKey ? this.userTaskProperties(j.userTaskKey) : undefined;
    const { formId: _formId, ...userTask } = ut ?? ({} as Record<string, unknown>);
    return {
      type: j.type,
      processDefinitionId: inst.processId,
      processDefinitionVersion: inst.version,
      elementId: j.elementId,
      customHeaders: Object.fromEntries(((headers?.values ?? []) as El[]).map((h) => [h.key, h.value])),
      worker,
      retries: j.retries,
      deadline: String(Date.now() + 300_000),
      variables: { ...inst.variables },
      tenantId: inst.tenantId,
      jobKey: j.jobKey,
      processInstanceKey: inst.key,
      processDefinitionKey: inst.definitionKey,
      elementInstanceKey: this.key(),
      kind: j.kind,
      listenerEventType: j.listenerEventType,
      ...(ut ? { userTask } : {}),
    };
  }

  private jobAction(jobKey: string, action: string, body: any): boolean {
    const job = this.jobs.get(jobKey);
    if (!job || job.state !== 'activated') return false;
    const inst = this.instances.get(job.instanceKey)!;
    if (action === 'completion') {
      job.state = 'done';
      job.onComplete(body.variables ?? {});
      return true;
    }
    if (action === 'failure') {
      job.failures.push(String(body.errorMessage ?? ''));
      job.retries = Number(body.retries ?? 0);
      if (job.retries > 0) job.state = 'ready';
      else {
        job.state = 'done';
        inst.state = 'INCIDENT';
      }
      return true;
    }
    // error: the nearest error boundary event with that code, else an incident (Zeebe: unhandled error event)
    job.state = 'done';
    const boundary = (inst.process.flowElements as El[]).find(
      (e) =>
        e.$type === 'bpmn:BoundaryEvent' &&
        e.attachedToRef?.id === job.elementId &&
        e.eventDefinitions?.some(
          (d: El) =>
            d.$type === 'bpmn:ErrorEventDefinition' && (!d.errorRef || d.errorRef.errorCode === body.errorCode),
        ),
    );
    inst.waits.delete(job.elementId);
    if (!boundary) inst.state = 'INCIDENT';
    else {
      Object.assign(inst.variables, body.variables ?? {});
      this.leave(inst, boundary);
    }
    return true;
  }

  private userTaskAction(key: string, action: string, body: any): boolean {
    const t = this.userTasks.get(key);
    if (!t || t.state !== 'CREATED') return false;
    const inst = this.instances.get(t.instanceKey)!;
    if (action === 'assignment') {
      t.state = 'ASSIGNING';
      this.runListeners(inst, t.element, key, 'assigning', () => {
        t.assignee = body.assignee;
        t.state = 'CREATED';
      });
      return true;
    }
    t.state = 'COMPLETING';
    this.runListeners(inst, t.element, key, 'completing', () => {
      t.state = 'COMPLETED';
      Object.assign(inst.variables, body.variables ?? {});
      this.userTasks.delete(key);
      this.leave(inst, t.element);
    });
    return true;
  }
}
