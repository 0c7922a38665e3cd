import { useState } from 'react';
import { useI18n } from '../i18n/index.js';
import { navigate } from '../router.js';

/** Global search over documents and dossiers; the server folds diacritics, so "quyet dinh" finds "Quyết định". */
export function SearchBox() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  return (
    <form
      role="search"
      className="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (q.trim()) navigate(`/documents?q=${encodeURIComponent(q.trim())}`);
      }}
    >
      <label htmlFor="global-search" className="sr-only">
        {t('search')}
      </label>
      <input
        id="global-search"
        type="search"
        placeholder={t('searchPlaceholder')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <button type="submit">{t('search')}</button>
    </form>
  );
}
