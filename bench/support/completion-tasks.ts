import { api, openBenchDb, type BenchDb } from './server.js';

/** One user task assigned by a FEEL variable, then the end: each completion finishes one instance. */
export const COMPLETION_PROCESS_ID = 'bench-complete';
export const COMPLETION_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="bench-complete-defs" targetNamespace="http://hoso.local/bench" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="${COMPLETION_PROCESS_ID}" name="Benchmark: one task" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="Xem xét">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition assignee="=assignee" /></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="${COMPLETION_PROCESS_ID}">
    <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="review_di" bpmnElement="review"><dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="360" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="300" y="118" /><di:waypoint x="360" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
`;

/** The requests completing `tasks` in order, each once (a load's `next`; undefined when all are sent). */
export function completeEach(tasks: string[]): () => { method: string; path: string; body: unknown } | undefined {
  let k = 0;
  return () =>
    k < tasks.length
      ? { method: 'POST', path: `/api/tasks/${tasks[k++]}/complete`, body: { variables: {} } }
      : undefined;
}

/**
 * Real, completable open tasks for the completion benchmark: `count` instances started through the process
 * admin API, each waiting on a task assigned to `assigneeId`; returns the task ids (read from the DB).
 */
export async function prepareCompletionTasks(
  url: string,
  adminToken: string,
  db: BenchDb,
  assigneeId: string,
  count: number,
): Promise<string[]> {
  const dep = await api(url, adminToken, 'POST', '/api/workflow/definitions', COMPLETION_BPMN, 'application/xml');
  if (dep.status >= 300) throw new Error(`deploy: ${dep.status} ${JSON.stringify(dep.body)}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        next++;
        const r = await api(url, adminToken, 'POST', '/api/workflow/instances', {
          processId: COMPLETION_PROCESS_ID,
          variables: { assignee: assigneeId },
        });
        if (r.status !== 201) throw new Error(`start: ${r.status} ${JSON.stringify(r.body)}`);
      }
    }),
  );
  const ds = await openBenchDb(db);
  try {
    for (let i = 0; i < 120; i++) {
      const rows: { id: string }[] = await ds.query(
        `SELECT id FROM task WHERE process_id = ? AND state = 'open' AND assignee_id = ?`,
        [COMPLETION_PROCESS_ID, assigneeId],
      );
      if (rows.length >= count || i === 119) return rows.map((r) => r.id);
      await new Promise((r) => setTimeout(r, 500));
    }
    return [];
  } finally {
    await ds.destroy();
  }
}
