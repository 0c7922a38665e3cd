import { useState } from 'react';
import { get } from '../api.js';
import { fmtDate } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { navigate, useLocation } from '../router.js';
import { ErrorBox, Link, Loading, Page, UrgencyBadge, useLoad } from '../components/ui.js';

export interface DocumentItem {
  id: string;
  direction: 'incoming' | 'outgoing';
  status: string;
  typeCode: string;
  subject: string;
  number?: string | number | null;
  notation?: string | null;
  /** The date the document bears: its issue date (outgoing), the sender's date (incoming); none while drafted. */
  documentDate?: string | null;
  createdAt?: string;
  urgency?: string | null;
}

/** Document list and search results: `q` is matched by the server with or without diacritics. */
export function DocumentsPage() {
  const { t } = useI18n();
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const direction = query.get('direction') ?? '';
  const [text, setText] = useState(q);
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (direction) params.set('direction', direction);
  const docs = useLoad(() => get<{ items: DocumentItem[]; total: number }>(`/api/documents?${params}`), [q, direction]);
  const dossiers = useLoad(
    () => (q ? get<any>(`/api/dossiers?q=${encodeURIComponent(q)}`) : Promise.resolve(null)),
    [q],
  );
  const dossierItems: any[] = dossiers.data
    ? Array.isArray(dossiers.data)
      ? dossiers.data
      : (dossiers.data.items ?? [])
    : [];
  const go = (next: Record<string, string>) => {
    const p = new URLSearchParams({ q, direction, ...next });
    for (const [k, v] of [...p]) if (!v) p.delete(k);
    navigate(`/documents${p.size ? `?${p}` : ''}`);
  };
  return (
    <Page title={t('documentsTitle')}>
      <form
        className="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text.trim() });
        }}
      >
        <label htmlFor="doc-q" className="sr-only">
          {t('search')}
        </label>
        <input
          id="doc-q"
          type="search"
          value={text}
          placeholder={t('searchPlaceholder')}
          onChange={(e) => setText(e.target.value)}
        />
        <label htmlFor="doc-dir" className="sr-only">
          {t('direction')}
        </label>
        <select id="doc-dir" value={direction} onChange={(e) => go({ direction: e.target.value })}>
          <option value="">{t('allDirections')}</option>
          <option value="incoming">{t('direction.incoming')}</option>
          <option value="outgoing">{t('direction.outgoing')}</option>
        </select>
        <button type="submit">{t('search')}</button>
      </form>
      <ErrorBox error={docs.error} onRetry={docs.reload} />
      {docs.loading && !docs.data && <Loading />}
      {docs.data && <DocumentTable items={docs.data.items} />}
      {q && dossierItems.length > 0 && (
        <>
          <h2>{t('dossiersTitle')}</h2>
          <ul>
            {dossierItems.map((d) => (
              <li key={d.id}>
                <Link to={`/dossiers/${d.id}`}>
                  {d.code} — {d.title}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}

export function DocumentTable({ items }: { items: DocumentItem[] }) {
  const { t } = useI18n();
  if (!items.length) return <p className="muted">{t('noData')}</p>;
  return (
    <table className="list" data-testid="documents">
      <thead>
        <tr>
          <th scope="col">{t('numberNotation')}</th>
          <th scope="col">{t('subject')}</th>
          <th scope="col">{t('direction')}</th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('issuedAt')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.id}>
            <td>{d.notation ?? (d.number ? String(d.number) : '—')}</td>
            <td>
              <Link to={`/documents/${d.id}`}>{d.subject}</Link> <UrgencyBadge urgency={d.urgency} />
            </td>
            <td>{t(`direction.${d.direction}`)}</td>
            <td>{t(`status.${d.status}`)}</td>
            <td>{d.documentDate ? fmtDate(d.documentDate) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
