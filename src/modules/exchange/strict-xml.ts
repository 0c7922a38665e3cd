import { SaxesParser } from 'saxes';

/** An element of a parsed package: local name, namespace, attributes, children, its own text. */
export interface XmlNode {
  name: string;
  uri: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth?: number;
  maxElements?: number;
}

export class XmlRefused extends Error {
  constructor(
    public readonly reason: 'too-large' | 'doctype' | 'malformed' | 'too-deep' | 'too-many-elements',
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * Parses a package strictly: no DOCTYPE at all (so no DTD, no external or internal entities: saxes then knows
 * only the five predefined ones and refuses any other reference), bounded size, depth and element count.
 * Entity expansion attacks (billion laughs, XXE) are therefore refused before anything is read.
 */
export function parseStrictXml(bytes: Buffer, limits: XmlLimits): XmlNode {
  if (bytes.length > limits.maxBytes) throw new XmlRefused('too-large', `package of ${bytes.length} bytes`);
  const maxDepth = limits.maxDepth ?? 32;
  const maxElements = limits.maxElements ?? 20_000;
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlNode[] = [];
  const texts: string[][] = [];
  let root: XmlNode | null = null;
  let count = 0;
  let failure: XmlRefused | null = null;
  const fail = (e: XmlRefused) => {
    failure ??= e;
    throw e;
  };
  parser.on('doctype', () => fail(new XmlRefused('doctype', 'DOCTYPE is not allowed')));
  parser.on('opentag', (tag) => {
    if (++count > maxElements) fail(new XmlRefused('too-many-elements', `more than ${maxElements} elements`));
    if (stack.length >= maxDepth) fail(new XmlRefused('too-deep', `deeper than ${maxDepth}`));
    const attributes: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) if (!a.prefix || a.prefix !== 'xmlns') attributes[a.local] = a.value;
    const node: XmlNode = { name: tag.local, uri: tag.uri, attributes, children: [], text: '' };
    if (stack.length) stack[stack.length - 1].children.push(node);
    else root = node;
    stack.push(node);
    texts.push([]);
  });
  const onText = (t: string) => {
    if (texts.length) texts[texts.length - 1].push(t);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const node = stack.pop()!;
    node.text = texts.pop()!.join('');
  });
  parser.on('error', (e) => {
    throw failure ?? new XmlRefused('malformed', e.message);
  });
  try {
    parser.write(bytes.toString('utf8')).close();
  } catch (e) {
    if (e instanceof XmlRefused) throw e;
    throw new XmlRefused('malformed', (e as Error).message);
  }
  if (!root) throw new XmlRefused('malformed', 'no root element');
  return root;
}

/** The first child with this local name, or null. */
export const child = (n: XmlNode | null | undefined, name: string): XmlNode | null =>
  n?.children.find((c) => c.name === name) ?? null;

export const children = (n: XmlNode | null | undefined, name: string): XmlNode[] =>
  n?.children.filter((c) => c.name === name) ?? [];

/** Trimmed text of the child at this path, '' when absent. */
export const textAt = (n: XmlNode | null | undefined, ...path: string[]): string => {
  let cur: XmlNode | null | undefined = n;
  for (const p of path) cur = child(cur, p);
  return cur?.text.trim() ?? '';
};

export const escapeXml = (s: string): string =>
  s
    // characters XML 1.0 cannot carry at all are dropped rather than producing a package no one can parse
    // eslint-disable-next-line no-control-regex
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
