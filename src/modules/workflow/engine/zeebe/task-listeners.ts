import { createRequire } from 'node:module';
import BpmnModdle from 'bpmn-moddle';

const zeebeSchema = createRequire(__filename)('zeebe-bpmn-moddle/resources/zeebe.json') as object;

/** The job type of the user task listeners the adapter serves (one worker, all event types). */
export const USER_TASK_LISTENER_TYPE = 'hoso.user-task-listener';

/**
 * The user task lifecycle events hoso must learn of on Camunda 8.8: a Camunda user task (`<zeebe:userTask/>`) is
 * run by the engine and never activated as a job, so the only push channel is a task listener, served as a job.
 * `creating`: the task enters hoso's inbox; `canceling`: it leaves it (boundary event, instance cancelled);
 * `assigning` and `completing` are accepted as they come (hoso itself asked for them through the REST API).
 */
export const LISTENED_EVENTS = ['creating', 'assigning', 'completing', 'canceling'] as const;

interface ModdleElement {
  $type: string;
  id?: string;
  flowElements?: ModdleElement[];
  rootElements?: ModdleElement[];
  extensionElements?: { values?: ModdleElement[] };
  listeners?: ModdleElement[];
  eventType?: string;
  type?: string;
}

/**
 * Adds hoso's task listeners to every Camunda user task of a BPMN before it goes to the cluster, so process
 * administrators never have to model them (and cannot forget one: a task without its `creating` listener would
 * never reach an inbox). Listeners a model already declares are kept; ours are added once per event type. The
 * stored definition stays as the administrator wrote it: the listeners are a property of the Zeebe deployment.
 */
export async function withTaskListeners(xml: string): Promise<string> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema } as any);
  const { rootElement } = (await moddle.fromXML(xml, 'bpmn:Definitions')) as { rootElement: ModdleElement };
  const visit = (el: ModdleElement) => {
    for (const child of el.flowElements ?? []) {
      if (child.$type === 'bpmn:UserTask') addListeners(moddle, child);
      if (child.flowElements) visit(child);
    }
  };
  for (const root of rootElement.rootElements ?? []) if (root.$type === 'bpmn:Process') visit(root);
  const { xml: out } = (await moddle.toXML(rootElement, { format: true })) as { xml: string };
  return out;
}

function addListeners(moddle: any, task: ModdleElement): void {
  const ext: { values?: ModdleElement[] } = (task.extensionElements ??= moddle.create('bpmn:ExtensionElements', {
    values: [],
  }));
  ext.values ??= [];
  // only Camunda user tasks: a task without <zeebe:userTask/> would be a (deprecated) job-worker user task
  if (!ext.values.some((v: ModdleElement) => v.$type === 'zeebe:UserTask')) return;
  let container = ext.values.find((v: ModdleElement) => v.$type === 'zeebe:TaskListeners');
  if (!container) {
    container = moddle.create('zeebe:TaskListeners', { listeners: [] }) as ModdleElement;
    ext.values.push(container);
  }
  container.listeners ??= [];
  for (const eventType of LISTENED_EVENTS) {
    if (container.listeners.some((l: ModdleElement) => l.eventType === eventType && l.type === USER_TASK_LISTENER_TYPE))
      continue;
    container.listeners.push(
      moddle.create('zeebe:TaskListener', { eventType, type: USER_TASK_LISTENER_TYPE, retries: '3' }),
    );
  }
}
