/**
 * Folding, query parsing and snippets of the content search. Text is folded one character at a time (tone and
 * vowel marks dropped, đ → d, lower case), so a folded page has the same length as its NFC text and a match
 * found in the folded text is cut out of the original at the same offsets for the snippet.
 * "đ" is folded here, not by the index: SQLite's unicode61 keeps it (research notes), MariaDB's unicode_ci too.
 */

const MAX_TERMS = 12;
const MAX_TERM_LENGTH = 40;
const WORD = /[\p{L}\p{N}]+/gu;

function foldChar(c: string): string {
  if (c === 'đ' || c === 'Đ') return 'd';
  const f = c.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return f.length === 1 ? f : c.length === 1 ? ' ' : ' '.repeat(c.length);
}

/** Folded text with the same UTF-16 length as `text` (which must be NFC). */
export function foldKeepingOffsets(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      out += text[i].toLowerCase();
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      out += '  ';
      i++;
      continue;
    }
    out += foldChar(text[i]);
  }
  return out;
}

/** The folded words of a text, in order. */
export function foldedWords(text: string): string[] {
  return foldKeepingOffsets(text.normalize('NFC')).match(WORD) ?? [];
}

/** What a `q` asks for: every word, and every "quoted phrase", on the same page (or in the metadata). */
export interface ContentQuery {
  /** each entry: one word, or the words of one phrase in order */
  groups: string[][];
}

export function parseContentQuery(q: string): ContentQuery {
  const groups: string[][] = [];
  const text = q.normalize('NFC');
  const quoted = /"([^"]*)"/g;
  let rest = text;
  for (const m of text.matchAll(quoted)) {
    const words = foldedWords(m[1]).map((w) => w.slice(0, MAX_TERM_LENGTH));
    if (words.length) groups.push(words);
    rest = rest.replace(m[0], ' ');
  }
  for (const w of foldedWords(rest)) if (!groups.some((g) => g.length === 1 && g[0] === w)) groups.push([w]);
  // a capped query: terms past the cap would only narrow the result further, never widen it
  const capped: string[][] = [];
  let n = 0;
  for (const g of groups) {
    if (n + g.length > MAX_TERMS) break;
    capped.push(g.map((w) => w.slice(0, MAX_TERM_LENGTH)));
    n += g.length;
  }
  return { groups: capped };
}

/** FTS5 MATCH expression: every group quoted (words are letters and digits only, so nothing else to escape). */
export function fts5Match(query: ContentQuery): string {
  return query.groups.map((g) => `"${g.join(' ')}"`).join(' AND ');
}

/** The MariaDB index stores every word as w_<word>: two-letter syllables and stopwords then reach it. */
export const mariaToken = (w: string): string => `w_${w}`;

export function mariaIndexText(folded: string): string {
  return (folded.match(WORD) ?? []).map(mariaToken).join(' ');
}

export function mariaBooleanQuery(query: ContentQuery): string {
  return query.groups
    .map((g) => (g.length === 1 ? `+${mariaToken(g[0])}` : `+"${g.map(mariaToken).join(' ')}"`))
    .join(' ');
}

export interface SnippetPart {
  text: string;
  hit: boolean;
}

/**
 * A snippet around the first match of the query's groups on a page: parts with `hit` are the matched words.
 * Returned as parts, not HTML, so nothing from a document's text is ever rendered as markup.
 */
export function snippet(text: string, query: ContentQuery, width = 220): SnippetPart[] {
  const nfc = text.normalize('NFC');
  const folded = foldKeepingOffsets(nfc);
  const hits: [number, number][] = [];
  for (const g of query.groups) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${g.join('[^\\p{L}\\p{N}]+')}(?![\\p{L}\\p{N}])`, 'gu');
    for (const m of folded.matchAll(re)) {
      hits.push([m.index, m.index + m[0].length]);
      if (hits.length > 50) break;
    }
  }
  hits.sort((a, b) => a[0] - b[0]);
  const first = hits[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(width / 3));
  let end = Math.min(nfc.length, start + width);
  // whole words at both ends
  while (start > 0 && /\S/.test(nfc[start - 1])) start--;
  while (end < nfc.length && /\S/.test(nfc[end])) end++;
  const parts: SnippetPart[] = [];
  let at = start;
  const push = (s: string, hit: boolean) => {
    const clean = s.replace(/\s+/g, ' ');
    if (clean) parts.push({ text: clean, hit });
  };
  if (start > 0) push('… ', false);
  for (const [a, b] of hits) {
    if (b <= at || a >= end) continue;
    const from = Math.max(a, at);
    push(nfc.slice(at, from), false);
    push(nfc.slice(from, Math.min(b, end)), true);
    at = Math.min(b, end);
  }
  push(nfc.slice(at, end), false);
  if (end < nfc.length) push(' …', false);
  return parts;
}
