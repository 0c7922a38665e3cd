import { createRequire } from 'node:module';
import BpmnModdle from 'bpmn-moddle';
import * as Elements from 'bpmn-elements';
import serializer, { deserialize, TypeResolver } from 'moddle-context-serializer';

const zeebeSchema = createRequire(__filename)('zeebe-bpmn-moddle/resources/zeebe.json') as object;

type ModdleElement = any;

export interface Mapping {
  source: string;
  target: string;
}

/** What the engine needs to know about one BPMN element, read once per definition version from zeebe:* extensions. */
export interface ElementInfo {
  id: string;
  type: string;
  name: string;
  scopeId: string;
  taskType?: string;
  retries?: number;
  inputs: Mapping[];
  outputs: Mapping[];
  headers: Record<string, string>;
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  dueDate?: string;
  followUpDate?: string;
  formId?: string;
  isUserTask?: boolean;
  message?: { name: string; correlationKey?: string };
  calledElement?: { processId: string; propagateAllChildVariables: boolean };
  loop?: {
    sequential: boolean;
    inputCollection?: string;
    inputElement?: string;
    outputCollection?: string;
    outputElement?: string;
  };
  timer?: { kind: 'timeDuration' | 'timeDate' | 'timeCycle'; value: string };
  eventKinds: string[];
  attachedTo?: string;
  cancelActivity?: boolean;
  /** Error boundary / end: the error code (undefined = catch-all boundary). */
  errorCode?: string;
  triggeredByEvent?: boolean;
  conditions: string[];
  raw: ModdleElement;
}

export interface ParsedModel {
  definitions: ModdleElement;
  warnings: { message: string; elementId?: string }[];
  processes: ModdleElement[];
  executable: ModdleElement[];
  elements: Map<string, ElementInfo>;
  moddleContext: any;
}

export const typeResolver = TypeResolver(Elements as any);

export async function parseModel(xml: string): Promise<ParsedModel> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema } as any);
  const ctx: any = await moddle.fromXML(xml);
  const definitions = ctx.rootElement;
  const warnings = (ctx.warnings ?? []).map((w: any) => ({
    message: String(w.message ?? w),
    elementId: w.element?.id,
  }));
  const processes = (definitions?.rootElements ?? []).filter((e: any) => e.$type === 'bpmn:Process');
  const elements = new Map<string, ElementInfo>();
  for (const p of processes) walk(p, p.id, elements);
  return {
    definitions,
    warnings,
    processes,
    executable: processes.filter((p: any) => p.isExecutable),
    elements,
    moddleContext: ctx,
  };
}

function ext(el: ModdleElement, type: string): ModdleElement | undefined {
  return (el.extensionElements?.values ?? []).find((v: any) => v.$type === type);
}

function walk(scope: ModdleElement, scopeId: string, out: Map<string, ElementInfo>): void {
  for (const el of scope.flowElements ?? []) {
    if (el.$type === 'bpmn:SequenceFlow') {
      const info = describe(el, scopeId);
      if (el.conditionExpression?.body) info.conditions.push(String(el.conditionExpression.body).trim());
      out.set(el.id, info);
      continue;
    }
    out.set(el.id, describe(el, scopeId));
    if (el.flowElements) walk(el, el.id, out);
  }
}

function describe(el: ModdleElement, scopeId: string): ElementInfo {
  const io = ext(el, 'zeebe:IoMapping');
  const td = ext(el, 'zeebe:TaskDefinition');
  const assign = ext(el, 'zeebe:AssignmentDefinition');
  const sched = ext(el, 'zeebe:TaskSchedule');
  const form = ext(el, 'zeebe:FormDefinition');
  const called = ext(el, 'zeebe:CalledElement');
  const headers: Record<string, string> = {};
  for (const h of ext(el, 'zeebe:TaskHeaders')?.values ?? []) headers[h.key] = String(h.value ?? '');
  const info: ElementInfo = {
    id: el.id,
    type: el.$type,
    name: el.name ?? '',
    scopeId,
    inputs: (io?.inputParameters ?? []).map((p: any) => ({ source: p.source ?? '', target: p.target })),
    outputs: (io?.outputParameters ?? []).map((p: any) => ({ source: p.source ?? '', target: p.target })),
    headers,
    eventKinds: (el.eventDefinitions ?? []).map((d: any) => d.$type),
    conditions: [],
    raw: el,
  };
  if (td) {
    info.taskType = td.type;
    info.retries = td.retries === undefined || td.retries === '' ? 3 : Number(td.retries);
  }
  if (el.$type === 'bpmn:UserTask') {
    info.isUserTask = true;
    info.assignee = assign?.assignee;
    info.candidateGroups = assign?.candidateGroups;
    info.candidateUsers = assign?.candidateUsers;
    info.dueDate = sched?.dueDate;
    info.followUpDate = sched?.followUpDate;
    info.formId = form?.formId ?? form?.formKey ?? headers['io.camunda.zeebe:formKey'];
  }
  if (called) {
    info.calledElement = {
      processId: called.processId ?? called.processIdExpression ?? '',
      propagateAllChildVariables: called.propagateAllChildVariables !== false,
    };
  }
  const loop = el.loopCharacteristics;
  if (loop && loop.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
    const zl = ext(loop, 'zeebe:LoopCharacteristics');
    info.loop = {
      sequential: !!loop.isSequential,
      inputCollection: zl?.inputCollection,
      inputElement: zl?.inputElement,
      outputCollection: zl?.outputCollection,
      outputElement: zl?.outputElement,
    };
  } else if (loop) info.loop = { sequential: true };
  const msgDef = (el.eventDefinitions ?? []).find((d: any) => d.$type === 'bpmn:MessageEventDefinition');
  const messageRef = msgDef?.messageRef ?? (el.$type === 'bpmn:ReceiveTask' ? el.messageRef : undefined);
  if (msgDef || el.$type === 'bpmn:ReceiveTask')
    info.message = {
      name: messageRef?.name ?? '',
      correlationKey: messageRef ? ext(messageRef, 'zeebe:Subscription')?.correlationKey : undefined,
    };
  const timer = (el.eventDefinitions ?? []).find((d: any) => d.$type === 'bpmn:TimerEventDefinition');
  if (timer) {
    for (const kind of ['timeDuration', 'timeDate', 'timeCycle'] as const)
      if (timer[kind]) info.timer = { kind, value: String(timer[kind].body ?? '').trim() };
  }
  const errDef = (el.eventDefinitions ?? []).find((d: any) => d.$type === 'bpmn:ErrorEventDefinition');
  if (errDef) info.errorCode = errDef.errorRef?.errorCode;
  if (el.$type === 'bpmn:BoundaryEvent') {
    info.attachedTo = el.attachedToRef?.id;
    info.cancelActivity = el.cancelActivity !== false;
  }
  if (el.triggeredByEvent) info.triggeredByEvent = true;
  return info;
}

/**
 * The parsed definition, serialized once per version (moddle-context-serializer) and shared by every engine
 * of that version: parsing is most of bpmn-engine's cost (stack trap 10).
 */
export interface CompiledDefinition {
  id: string;
  processId: string;
  version: number;
  elements: Map<string, ElementInfo>;
  /** Sequence-flow conditions: their FEEL result must be a boolean (else an incident, as in Zeebe). */
  conditions: Set<string>;
  source: any;
  /** The owning agency of this version (set by the definition store). */
  ownerId?: string | null;
}

export function compile(model: ParsedModel, id: string, processId: string, version: number): CompiledDefinition {
  const serialized = serializer(model.moddleContext, typeResolver);
  const source: any = deserialize(JSON.parse(serialized.serialize()), typeResolver);
  for (const activity of source.getActivities()) {
    const info = model.elements.get(activity.id);
    const behaviour = activity.behaviour ?? {};
    // zeebe:loopCharacteristics → bpmn-elements collection loop (the collection is a FEEL expression)
    if (info?.loop?.inputCollection && behaviour.loopCharacteristics) {
      const lb = (behaviour.loopCharacteristics.behaviour ??= {});
      lb.collection = info.loop.inputCollection;
      lb.elementVariable = info.loop.inputElement ?? 'item';
    }
  }
  const conditions = new Set<string>();
  for (const info of model.elements.values()) for (const c of info.conditions) conditions.add(c);
  return { id, processId, version, elements: model.elements, conditions, source };
}
