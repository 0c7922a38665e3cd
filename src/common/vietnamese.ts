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
