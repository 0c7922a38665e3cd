import { get, post } from '../api.js';
import { FileLink } from '../components/file-link.js';
import { fmtDate } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Link, Loading, Notice, Page, useAction, useLoad } from '../components/ui.js';
import { retentionLabel } from './file-plan.js';

interface Dossier {
  id: string;
  code: string;
  title: string;
  state: string;
  retention?: string | number;
  items?: {
    documentId: string;
    order: number;
    subject?: string;
    notation?: string | null;
    number?: string | null;
    documentDate?: string | null;
    direction?: string;
    typeName?: string;
  }[];
  startDate?: string;
  endDate?: string;
}

export function DossiersPage() {
  const { t } = useI18n();
  const list = useLoad(() => get<any>('/api/dossiers'), []);
  const rows: Dossier[] = Array.isArray(list.data) ? list.data : (list.data?.items ?? []);
  return (
    <Page title={t('dossiersTitle')} actions={<Link to="/file-plan">{t('openDossier')}</Link>}>
      <ErrorBox error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && rows.length === 0 && <p className="muted">{t('noData')}</p>}
      {rows.length > 0 && (
        <table className="list" data-testid="dossiers">
          <thead>
            <tr>
              <th scope="col">{t('code')}</th>
              <th scope="col">{t('title')}</th>
              <th scope="col">{t('retention')}</th>
              <th scope="col">{t('state')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/dossiers/${d.id}`}>{d.code}</Link>
                </td>
                <td>{d.title}</td>
                <td>{retentionLabel(t, d.retention)}</td>
                <td>{t(`dossier.${d.state}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}

/** One dossier: its documents in order, and closing, which the server refuses (422) with every missing piece. */
export function DossierPage({ id }: { id: string }) {
  const { t } = useI18n();
  const d = useLoad(() => get<Dossier>(`/api/dossiers/${id}`), [id]);
  const action = useAction();
  if (d.loading && !d.data) return <Loading />;
  if (!d.data)
    return (
      <Page title={t('dossiersTitle')}>
        <ErrorBox error={d.error} onRetry={d.reload} />
      </Page>
    );
  const x = d.data;
  return (
    <Page
      title={`${x.code} — ${x.title}`}
      actions={
        x.state === 'open' ? (
          <button
            type="button"
            className="primary"
            disabled={action.busy}
            onClick={async () => {
              const r = await action.run(() => post(`/api/dossiers/${id}/close`), t('dossierClosed'));
              if (r !== undefined) d.reload();
            }}
          >
            {t('closeDossier')}
          </button>
        ) : null
      }
    >
      <dl className="meta">
        <dt>{t('state')}</dt>
        <dd>{t(`dossier.${x.state}`)}</dd>
        <dt>{t('retention')}</dt>
        <dd>{retentionLabel(t, x.retention)}</dd>
        {x.startDate && (
          <>
            <dt>{t('from')}</dt>
            <dd>
              {fmtDate(x.startDate)} – {fmtDate(x.endDate)}
            </dd>
          </>
        )}
      </dl>
      <Notice>{action.done}</Notice>
      {action.error ? (
        <div data-testid="close-reasons">
          <p>
            <strong>{t('dossierIncomplete')}</strong>
          </p>
          <ErrorBox error={action.error} />
        </div>
      ) : null}
      <h2>{t('items')}</h2>
      {(x.items ?? []).length === 0 ? (
        <p className="muted">{t('noData')}</p>
      ) : (
        <table className="list" data-testid="dossier-items">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('numberNotation')}</th>
              <th scope="col">{t('issuedAt')}</th>
              <th scope="col">{t('subject')}</th>
              <th scope="col">{t('direction')}</th>
            </tr>
          </thead>
          <tbody>
            {(x.items ?? [])
              .sort((a, b) => a.order - b.order)
              .map((i) => (
                <tr key={i.documentId}>
                  <td>{i.order}</td>
                  <td>{i.notation ?? i.number ?? '—'}</td>
                  <td>{i.documentDate ? fmtDate(i.documentDate) : '—'}</td>
                  <td>
                    <Link to={`/documents/${i.documentId}`}>{i.subject ?? i.documentId}</Link>
                  </td>
                  <td>
                    {i.direction ? t(`direction.${i.direction}`) : ''}
                    {i.typeName ? ` — ${i.typeName}` : ''}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      <p>
        <FileLink path={`/api/dossiers/${id}/export?format=pdf`}>{t('exportPdf')}</FileLink>
      </p>
    </Page>
  );
}
