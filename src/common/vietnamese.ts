/**
 * Vietnamese-aware text folding for search: "Quyết định" and "quyet dinh" both fold to "quyet dinh".
 * Stored beside searchable text in a *_folded column so a plain LIKE works on SQLite and MySQL alike.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards so user text is matched literally. Use with `ESCAPE '\\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const collator = new Intl.Collator('vi', { sensitivity: 'base' });
export const compareVietnamese = (a: string, b: string): number => collator.compare(a, b);

/**
 * "V/v <subject>" of an official letter (Decree 30/2020, appendix I cell 5b: the summary of a công văn follows
 * "V/v", the abbreviation of "Về việc"). A subject already written "Về việc …" or "V/v …" keeps one prefix.
 */
export function letterSubject(subject: string): string {
  const s = subject.normalize('NFC').trim();
  const rest = /^(?:v\/v|về việc)\s*[:.-]?\s*/iu.exec(s);
  return `V/v ${rest ? s.slice(rest[0].length) : s}`;
}
