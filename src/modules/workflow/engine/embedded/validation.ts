import { createRequire } from 'node:module';
import { SaxesParser } from 'saxes';
import type { ValidationProblem } from '../workflow-engine.port.js';
import { costlyFeelProblems, elementExpressions, loopProblems, timerProblems } from './deploy-limits.js';
import { feelSyntaxError, isFeel } from './feel.js';
import { parseModel, type ElementInfo, type ParsedModel } from './model.js';

const localRequire = createRequire(__filename);

/** Elements the embedded engine cannot run with Zeebe semantics: refused at deploy, never run wrongly. */
const UNSUPPORTED_TYPES: Record<string, string> = {
  'bpmn:EventBasedGateway': 'event-based gateways',
  'bpmn:ComplexGateway': 'complex gateways',
  'bpmn:Transaction': 'transactions',
  'bpmn:ScriptTask': 'script tasks',
  'bpmn:AdHocSubProcess': 'ad-hoc sub-processes',
};
const UNSUPPORTED_EVENTS: Record<string, string> = {
  'bpmn:SignalEventDefinition': 'signal events',
  'bpmn:EscalationEventDefinition': 'escalation events',
  'bpmn:CompensateEventDefinition': 'compensation events',
  'bpmn:ConditionalEventDefinition': 'conditional events',
  'bpmn:LinkEventDefinition': 'link events',
  'bpmn:CancelEventDefinition': 'cancel events',
};

/** What a deployable BPMN document may hold (AppConfig: TIMER_MIN_INTERVAL_SECONDS; the rest are constants). */
export interface BpmnLimits {
  /** Shortest literal timer duration or cycle period. */
  minTimerMs: number;
  /** XML elements in the whole document (shapes, edges and extension elements included). */
  maxElements: number;
  /** Nesting depth of XML elements (a sub-process inside a sub-process … adds two or three per level). */
  maxDepth: number;
}

/**
 * Validation is linear in size but not cheap: bpmnlint's Camunda rules take ~1.5–6 ms per task with its diagram on
 * this 2-core machine (`npm run bench:bpmn-validation`, bench/results/bpmn-validation.json), so 20,000 XML elements
 * (~1,700 tasks with their diagram, ~1 MB, the upload limit in workflow.controller.ts) validate in a few seconds.
 * Our own processes hold ~400 elements (25 KB). 300 levels of nesting are far beyond any real model.
 */
export const DEFAULT_BPMN_LIMITS: BpmnLimits = { minTimerMs: 60_000, maxElements: 20_000, maxDepth: 300 };

/**
 * Rejects DOCTYPE/ENTITY (no XXE, no entity expansion), documents past the size limits (counted by the streaming
 * parser, before anything builds a model), and reports the first XML syntax error.
 */
export function checkXml(xml: string, limits: BpmnLimits = DEFAULT_BPMN_LIMITS): ValidationProblem[] {
  if (!xml || !xml.trim()) return [{ message: 'empty document: expected BPMN 2.0 XML' }];
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml))
    return [{ message: 'DOCTYPE and ENTITY declarations are not allowed in BPMN uploads' }];
  const parser = new SaxesParser({ xmlns: true });
  let problem: ValidationProblem | null = null;
  let elements = 0;
  let depth = 0;
  const stop = (p: ValidationProblem) => {
    problem ??= p;
    throw new Error(p.message);
  };
  parser.on('error', (e) => {
    problem ??= { message: `malformed XML: ${e.message}` };
  });
  parser.on('opentag', (tag) => {
    if (++elements > limits.maxElements)
      stop({ message: `the document has more than ${limits.maxElements} XML elements (the limit for a deployment)` });
    if (++depth > limits.maxDepth)
      stop({
        message: `elements are nested more than ${limits.maxDepth} deep (the limit for a deployment)`,
        elementId: tag.attributes.id?.value,
      });
  });
  parser.on('closetag', () => depth--);
  try {
    parser.write(xml).close();
  } catch (e) {
    problem ??= { message: `malformed XML: ${(e as Error).message}` };
  }
  return problem ? [problem] : [];
}

let linter: any;
function lint(): any {
  if (linter) return linter;
  const { Linter } = localRequire('bpmnlint');
  const NodeResolver = localRequire('bpmnlint/lib/resolver/node-resolver');
  linter = new Linter({
    // no-loop is checked by loopProblems (deploy-limits.ts) in linear time: the plugin's is quadratic
    config: { extends: 'plugin:camunda-compat/camunda-cloud-8-8', rules: { 'camunda-compat/no-loop': 'off' } },
    resolver: new NodeResolver({ require: localRequire }),
  });
  return linter;
}

/** bpmnlint with bpmnlint-plugin-camunda-compat for Camunda 8.8 (the Zeebe version we target). */
export async function lintCamunda(model: ParsedModel): Promise<ValidationProblem[]> {
  const reports: Record<string, any[]> = await lint().lint(model.definitions);
  const out: ValidationProblem[] = [];
  for (const [rule, list] of Object.entries(reports))
    for (const r of list)
      if ((r.category ?? 'error') === 'error')
        out.push({ message: `${r.message}`, elementId: r.id, rule: rule.replace(/^camunda-compat\//, '') });
  return out;
}

function feelProblems(info: ElementInfo): ValidationProblem[] {
  const exprs = elementExpressions(info);
  const out: ValidationProblem[] = [];
  for (const e of exprs) {
    const err = feelSyntaxError(e);
    if (err) out.push({ message: `invalid FEEL expression "${e}": ${err}`, elementId: info.id });
  }
  for (const c of info.conditions)
    if (!isFeel(c))
      out.push({ message: `condition "${c}" must be a FEEL expression starting with "="`, elementId: info.id });
  return out;
}

/** The engine's own rules: supported elements, workers for every task type, assignments, FEEL syntax. */
export function engineProblems(
  model: ParsedModel,
  hasWorker: (type: string) => boolean,
  target: 'embedded' | 'zeebe' = 'embedded',
  limits: BpmnLimits = DEFAULT_BPMN_LIMITS,
): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const embedded = target === 'embedded';
  if (!model.executable.length)
    out.push({ message: 'the definitions contain no executable process (isExecutable="true")' });
  if (model.executable.length > 1)
    out.push({ message: 'one executable process per file is supported', elementId: model.executable[1].id });
  for (const p of model.executable) {
    if (!/^[A-Za-z_][\w.-]{0,99}$/.test(p.id)) out.push({ message: `invalid process id "${p.id}"`, elementId: p.id });
    const starts = (p.flowElements ?? []).filter((e: any) => e.$type === 'bpmn:StartEvent');
    if (starts.length > 1)
      out.push({ message: 'a process with more than one start event is not supported', elementId: starts[1].id });
  }
  for (const info of model.elements.values()) {
    const what = embedded ? UNSUPPORTED_TYPES[info.type] : undefined;
    if (what)
      out.push({ message: `${what} are not supported by the embedded engine (${info.type})`, elementId: info.id });
    for (const k of info.eventKinds)
      if (embedded && UNSUPPORTED_EVENTS[k])
        out.push({ message: `${UNSUPPORTED_EVENTS[k]} are not supported by the embedded engine`, elementId: info.id });
    if (embedded && info.triggeredByEvent)
      out.push({ message: 'event sub-processes are not supported by the embedded engine', elementId: info.id });
    if (info.type === 'bpmn:BusinessRuleTask' && !info.taskType)
      out.push({ message: 'business rule tasks with a DMN decision are not supported', elementId: info.id });
    if (info.message && info.type === 'bpmn:StartEvent' && info.scopeId !== info.raw.$parent?.id)
      out.push({ message: 'message start events inside sub-processes are not supported', elementId: info.id });
    if (info.eventKinds.includes('bpmn:MessageEventDefinition') && /Throw|EndEvent/.test(info.type))
      out.push({ message: 'message throw/end events are not supported (use a service task)', elementId: info.id });
    const serviceLike = /ServiceTask|SendTask|BusinessRuleTask/.test(info.type);
    if (serviceLike) {
      if (!info.taskType) out.push({ message: 'service task without zeebe:taskDefinition type', elementId: info.id });
      else if (isFeel(info.taskType))
        out.push({ message: 'job types given as FEEL expressions are not supported', elementId: info.id });
      else if (!hasWorker(info.taskType))
        out.push({ message: `no worker is registered for task type "${info.taskType}"`, elementId: info.id });
    }
    if (info.isUserTask && !info.assignee && !info.candidateGroups && !info.candidateUsers)
      out.push({
        message: 'user task without assignment (zeebe:assignmentDefinition assignee or candidate groups/users)',
        elementId: info.id,
      });
    if (info.message && !info.message.name)
      out.push({ message: 'message event without a message name', elementId: info.id });
    if (info.message && info.type !== 'bpmn:StartEvent' && !info.message.correlationKey)
      out.push({ message: 'message catch without zeebe:subscription correlationKey', elementId: info.id });
    if (info.loop && !info.loop.inputCollection)
      out.push({ message: 'multi-instance needs zeebe:loopCharacteristics inputCollection', elementId: info.id });
    if (info.timer?.kind === 'timeCycle' && !isFeel(info.timer.value) && !/^R\d*\//.test(info.timer.value))
      out.push({
        message: `timer cycle "${info.timer.value}" is not supported (cron); use R[n]/…`,
        elementId: info.id,
      });
    out.push(...feelProblems(info));
    out.push(...timerProblems(info, limits.minTimerMs));
  }
  out.push(...loopProblems(model));
  out.push(...costlyFeelProblems(model));
  return out;
}

/** Every check, in order; an empty list means the document can be deployed. */
export async function validateBpmn(
  xml: string,
  hasWorker: (type: string) => boolean,
  target: 'embedded' | 'zeebe' = 'embedded',
  limits: BpmnLimits = DEFAULT_BPMN_LIMITS,
): Promise<{ problems: ValidationProblem[]; model?: ParsedModel }> {
  const xmlProblems = checkXml(xml, limits);
  if (xmlProblems.length) return { problems: xmlProblems };
  let model: ParsedModel;
  try {
    model = await parseModel(xml);
  } catch (e) {
    return { problems: [{ message: `not a BPMN 2.0 document: ${(e as Error).message}` }] };
  }
  if (!model.definitions || model.definitions.$type !== 'bpmn:Definitions')
    return { problems: [{ message: 'not a BPMN 2.0 document (root element must be bpmn:definitions)' }] };
  const problems: ValidationProblem[] = model.warnings.map((w) => ({
    message: `BPMN schema: ${w.message}`,
    elementId: w.elementId,
  }));
  problems.push(...(await lintCamunda(model)));
  problems.push(...engineProblems(model, hasWorker, target, limits));
  return { problems, model };
}
