import { createContext, useContext } from 'react';
import { en } from './en.js';
import { vi, type MessageKey } from './vi.js';

export type Lang = 'vi' | 'en';
export type { MessageKey };
const catalogues: Record<Lang, Record<MessageKey, string>> = { vi, en };

export type Translate = (key: MessageKey | string, params?: Record<string, string | number>) => string;

/** Looks a key up in the catalogue of `lang`; unknown keys (e.g. a status the server added) show as-is. */
export function translator(lang: Lang): Translate {
  const cat = catalogues[lang];
  return (key, params) => {
    let s =
      (cat as Record<string, string>)[key] ?? (vi as Record<string, string>)[key] ?? key.replace(/^[a-zA-Z]+\./, '');
    if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
}

export function initialLang(): Lang {
  return localStorage.getItem('hoso.lang') === 'en' ? 'en' : 'vi';
}

export const I18nContext = createContext<{ lang: Lang; t: Translate; setLang: (l: Lang) => void }>({
  lang: 'vi',
  t: translator('vi'),
  setLang: () => undefined,
});

export const useI18n = () => useContext(I18nContext);
