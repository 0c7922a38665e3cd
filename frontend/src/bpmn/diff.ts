/**
 * Differences between two versions of a BPMN definition, element by element: added, removed, or changed
 * (type, name, attributes, zeebe:* extension elements, conditions, timers). Diagram layout (BPMNDI) is ignored:
 * moving a shape is not a change of the process.
 */
export interface ElementChange {
  id: string;
  type: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  details: string[];
}

const BPMN_MODEL = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const SKIP_CHILDREN = new Set(['incoming', 'outgoing']);

interface Summary {
  type: string;
  name: string;
  props: Map<string, string>;
}

/** Attributes and id-less descendants (extension elements, conditions, timer definitions) as path → value. */
function flatten(el: Element, prefix: string, into: Map<string, string>): void {
  for (const a of Array.from(el.attributes)) {
    if (a.name === 'id' || a.name.startsWith('xmlns')) continue;
    into.set(`${prefix}@${a.name}`, a.value);
  }
  const counts = new Map<string, number>();
  let text = '';
  for (const c of Array.from(el.childNodes)) {
    if (c.nodeType === 3 || c.nodeType === 4) text += c.nodeValue ?? '';
    if (c.nodeType !== 1) continue;
    const child = c as Element;
    if (child.hasAttribute('id') && child.namespaceURI === BPMN_MODEL && child.localName !== 'conditionExpression')
      continue;
    if (SKIP_CHILDREN.has(child.localName)) continue;
    const name = child.prefix ? `${child.prefix}:${child.localName}` : child.localName;
    const n = counts.get(name) ?? 0;
    counts.set(name, n + 1);
    flatten(child, `${prefix}/${name}${n ? `[${n}]` : ''}`, into);
  }
  if (text.trim()) into.set(`${prefix}#text`, text.trim());
}

export function summarize(xml: string): Map<string, Summary> {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const out = new Map<string, Summary>();
  for (const el of Array.from(doc.getElementsByTagNameNS(BPMN_MODEL, '*'))) {
    const id = el.getAttribute('id');
    if (!id || el.localName === 'definitions') continue;
    const props = new Map<string, string>();
    flatten(el, '', props);
    out.set(id, { type: el.localName, name: el.getAttribute('name') ?? '', props });
  }
  return out;
}

export function diffDefinitions(oldXml: string, newXml: string): ElementChange[] {
  const a = summarize(oldXml);
  const b = summarize(newXml);
  const changes: ElementChange[] = [];
  for (const [id, s] of b) {
    const before = a.get(id);
    if (!before) {
      changes.push({ id, type: s.type, name: s.name, change: 'added', details: [] });
      continue;
    }
    const details: string[] = [];
    if (before.type !== s.type) details.push(`type: ${before.type} → ${s.type}`);
    for (const key of new Set([...before.props.keys(), ...s.props.keys()])) {
      const x = before.props.get(key);
      const y = s.props.get(key);
      if (x !== y) details.push(`${key.replace(/^[/@]/, '')}: ${x ?? '∅'} → ${y ?? '∅'}`);
    }
    if (details.length) changes.push({ id, type: s.type, name: s.name, change: 'changed', details });
  }
  for (const [id, s] of a)
    if (!b.has(id)) changes.push({ id, type: s.type, name: s.name, change: 'removed', details: [] });
  const order = { removed: 0, added: 1, changed: 2 };
  return changes.sort((x, y) => order[x.change] - order[y.change] || x.id.localeCompare(y.id));
}
