import { useState } from 'react';
import { get } from '../api.js';
import { fmtDate } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { navigate, useLocation } from '../router.js';
import { ErrorBox, Link, Loading, Page, UrgencyBadge, useLoad } from '../components/ui.js';

interface SearchHit {
  id: string;
  direction: string;
  status: string;
  typeName: string;
  subject: string;
  notation: string | null;
  organName: string;
  documentDate: string | null;
  urgency: string | null;
  matchedIn: { subject: boolean; content: boolean };
  pages: { page: number; fileName: string; snippet: { text: string; hit: boolean }[] }[];
}

/** Full-text search over subjects and the content of every stored PDF (scans through OCR), with snippets by page. */
export function SearchPage() {
  const { t } = useI18n();
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const direction = query.get('direction') ?? '';
  const page = Number(query.get('page') ?? 1);
  const [text, setText] = useState(q);
  const go = (next: { q?: string; direction?: string; page?: number }) => {
    const p = new URLSearchParams();
    const nq = next.q ?? q;
    if (nq) p.set('q', nq);
    const nd = next.direction ?? direction;
    if (nd) p.set('direction', nd);
    if ((next.page ?? 1) > 1) p.set('page', String(next.page));
    navigate(`/search?${p}`);
  };
  const results = useLoad(async () => {
    if (!q.trim()) return null;
    const p = new URLSearchParams({ q, page: String(page), pageSize: '20' });
    if (direction) p.set('direction', direction);
    return get<{ items: SearchHit[]; total: number; totalCapped: boolean; pageSize: number }>(`/api/search?${p}`);
  }, [q, direction, page]);
  const r = results.data;
  return (
    <Page title={t('search.title')}>
      <form
        className="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text.trim(), page: 1 });
        }}
      >
        <input
          type="search"
          aria-label={t('search.title')}
          placeholder={t('search.placeholder')}
          value={text}
          maxLength={200}
          onChange={(e) => setText(e.target.value)}
          style={{ flex: 1 }}
        />
        <select
          aria-label={t('search.allDirections')}
          value={direction}
          onChange={(e) => go({ direction: e.target.value, page: 1 })}
        >
          <option value="">{t('search.allDirections')}</option>
          <option value="incoming">{t('direction.incoming')}</option>
          <option value="outgoing">{t('direction.outgoing')}</option>
        </select>
        <button type="submit" className="primary">
          {t('search')}
        </button>
      </form>
      <p className="muted">{t('search.help')}</p>
      <ErrorBox error={results.error} onRetry={results.reload} />
      {results.loading && <Loading />}
      {r && (
        <>
          <p data-testid="search-total">
            {r.totalCapped ? t('search.resultsCapped', { n: r.total }) : t('search.results', { n: r.total })}
          </p>
          {r.items.length === 0 && <p>{t('search.none')}</p>}
          <ol className="search-results" data-testid="search-results">
            {r.items.map((d) => (
              <li key={d.id}>
                <Link to={`/documents/${d.id}`}>
                  <strong>{d.notation ?? d.typeName}</strong> — {d.subject}
                </Link>{' '}
                <UrgencyBadge urgency={d.urgency} />
                <div className="muted">
                  {t(`direction.${d.direction}`)} · {t(`status.${d.status}`)} · {fmtDate(d.documentDate)}
                  {d.organName ? ` · ${d.organName}` : ''}
                  {d.matchedIn.subject ? ` · ${t('search.inSubject')}` : ''}
                </div>
                {d.pages.map((p) => (
                  <blockquote key={`${p.fileName}-${p.page}`} className="snippet">
                    <span className="muted">
                      {t('search.page', { n: p.page })} ({p.fileName}):{' '}
                    </span>
                    {p.snippet.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
                  </blockquote>
                ))}
              </li>
            ))}
          </ol>
          {r.items.length === r.pageSize && (
            <button type="button" onClick={() => go({ page: page + 1 })}>
              {t('search.more')} →
            </button>
          )}
        </>
      )}
    </Page>
  );
}
