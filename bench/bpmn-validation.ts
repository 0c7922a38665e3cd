import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkXml,
  DEFAULT_BPMN_LIMITS,
  lintCamunda,
  engineProblems,
} from '../src/modules/workflow/engine/embedded/validation.js';
import { parseModel } from '../src/modules/workflow/engine/embedded/model.js';
import { RESULTS_DIR } from './support/server.js';

/**
 * npm run bench:bpmn-validation: time of each step of BPMN validation (streaming XML check, model parse, bpmnlint,
 * the engine's own checks) for a flat chain of N user tasks with their diagram and for N nested sub-processes,
 * so the deploy limits (validation.ts DEFAULT_BPMN_LIMITS) and the XML body limit are set from measurements.
 */
const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" ' +
  'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" ' +
  'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"';

export function flatChain(n: number): string {
  const el: string[] = [];
  const di: string[] = [];
  el.push('<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>');
  di.push(
    '<bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="0" y="0" width="36" height="36"/></bpmndi:BPMNShape>',
  );
  for (let i = 0; i < n; i++) {
    el.push(
      `<bpmn:userTask id="t${i}" name="Bước ${i}"><bpmn:extensionElements><zeebe:userTask/><zeebe:assignmentDefinition assignee="=initiator"/></bpmn:extensionElements><bpmn:incoming>f${i}</bpmn:incoming><bpmn:outgoing>f${i + 1}</bpmn:outgoing></bpmn:userTask>`,
      `<bpmn:sequenceFlow id="f${i}" sourceRef="${i ? `t${i - 1}` : 's'}" targetRef="t${i}"/>`,
    );
    di.push(
      `<bpmndi:BPMNShape id="t${i}_di" bpmnElement="t${i}"><dc:Bounds x="${100 + i * 150}" y="0" width="100" height="80"/></bpmndi:BPMNShape>`,
      `<bpmndi:BPMNEdge id="f${i}_di" bpmnElement="f${i}"><di:waypoint x="${i * 150}" y="40"/><di:waypoint x="${100 + i * 150}" y="40"/></bpmndi:BPMNEdge>`,
    );
  }
  el.push(`<bpmn:endEvent id="e"><bpmn:incoming>f${n}</bpmn:incoming></bpmn:endEvent>`);
  el.push(`<bpmn:sequenceFlow id="f${n}" sourceRef="t${n - 1}" targetRef="e"/>`);
  return `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions ${NS} id="d" targetNamespace="http://hoso.local/b"><bpmn:process id="flat" isExecutable="true">${el.join('')}</bpmn:process><bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="flat">${di.join('')}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>`;
}

export function nested(n: number): string {
  let inner = '<bpmn:startEvent id="s_in"/>';
  for (let i = n - 1; i >= 0; i--)
    inner = `<bpmn:subProcess id="sp${i}"><bpmn:startEvent id="s${i}"/>${inner}</bpmn:subProcess>`;
  return `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions ${NS} id="d" targetNamespace="http://hoso.local/b"><bpmn:process id="nested" isExecutable="true"><bpmn:startEvent id="s"/>${inner}</bpmn:process></bpmn:definitions>`;
}

async function measure(label: string, xml: string, limits = DEFAULT_BPMN_LIMITS) {
  const at = () => performance.now();
  const t0 = at();
  const xmlProblems = checkXml(xml, limits);
  const t1 = at();
  const row: Record<string, unknown> = { label, kb: Math.round(xml.length / 1024), checkXmlMs: Math.round(t1 - t0) };
  if (xmlProblems.length) return { ...row, refused: xmlProblems[0].message };
  const model = await parseModel(xml);
  const t2 = at();
  await lintCamunda(model);
  const t3 = at();
  engineProblems(model, () => true, 'embedded', limits);
  const t4 = at();
  return {
    ...row,
    parseMs: Math.round(t2 - t1),
    lintMs: Math.round(t3 - t2),
    engineMs: Math.round(t4 - t3),
    totalMs: Math.round(t4 - t0),
  };
}

async function main(): Promise<void> {
  const unlimited = { ...DEFAULT_BPMN_LIMITS, maxElements: Infinity, maxDepth: Infinity };
  const sizes = (process.env.BENCH_TASKS ?? '1000,5000,15000,20000').split(',').map(Number);
  const rows = [];
  for (const n of sizes) rows.push(await measure(`flat ${n} tasks`, flatChain(n), unlimited));
  for (const n of (process.env.BENCH_NESTED ?? '50,100,200').split(',').map(Number))
    rows.push(await measure(`${n} nested sub-processes`, nested(n), unlimited));
  rows.push(await measure('flat 1600 tasks, default limits', flatChain(1600)));
  rows.push(await measure('flat 60000 tasks, default limits', flatChain(60_000)));
  rows.push(await measure('100000 nested sub-processes, default limits', nested(100_000)));
  for (const r of rows) console.log(JSON.stringify(r));
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(RESULTS_DIR, 'bpmn-validation.json'),
    JSON.stringify(
      { benchmark: 'bpmn-validation', at: new Date().toISOString(), limits: DEFAULT_BPMN_LIMITS, rows },
      null,
      2,
    ),
  );
}

if (require.main === module)
  void main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
