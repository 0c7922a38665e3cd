import { useState } from 'react';
import { get, post } from '../api.js';
import { FileLink } from '../components/file-link.js';
import { fmtDateTime } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Loading, Notice, Page, useAction, useLoad } from '../components/ui.js';

/** Archive transfers (nộp lưu): package closed dossiers, download the package, verify it. */
export function TransfersPage() {
  const { t } = useI18n();
  const closed = useLoad(() => get<any>('/api/dossiers?state=closed'), []);
  const transfers = useLoad(() => get<any>('/api/archive-transfers'), []);
  const dossiers: any[] = Array.isArray(closed.data) ? closed.data : (closed.data?.items ?? []);
  const list: any[] = Array.isArray(transfers.data) ? transfers.data : (transfers.data?.items ?? []);
  const [chosen, setChosen] = useState<string[]>([]);
  const [report, setReport] = useState<any>();
  const action = useAction();
  return (
    <Page title={t('transfersTitle')}>
      <Notice>{action.done}</Notice>
      <ErrorBox error={action.error} />
      <ErrorBox error={closed.error} onRetry={closed.reload} />
      {closed.loading && !closed.data && <Loading />}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await action.run(
            () => post('/api/archive-transfers', { dossierIds: chosen }),
            t('transferCreated'),
          );
          if (r) {
            setChosen([]);
            transfers.reload();
          }
        }}
      >
        <fieldset>
          <legend>{t('dossiersTitle')}</legend>
          {dossiers.map((d) => (
            <label key={d.id} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(d.id)}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, d.id] : c.filter((x) => x !== d.id)))}
              />{' '}
              {d.code} — {d.title}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={!chosen.length || action.busy}>
          {t('createTransfer')}
        </button>
      </form>
      <ErrorBox error={transfers.error} />
      <ul>
        {list.map((x) => (
          <li key={x.id}>
            {fmtDateTime(x.createdAt)} — {t(`transferState.${x.state}`)} — {x.dossierIds?.length ?? 0}{' '}
            {t('dossiersTitle').toLowerCase()} —{' '}
            <FileLink path={`/api/archive-transfers/${x.id}/package`}>{t('package')}</FileLink>{' '}
            <button
              type="button"
              disabled={action.busy}
              onClick={async () => setReport(await action.run(() => post(`/api/archive-transfers/${x.id}/verify`)))}
            >
              {t('verify')}
            </button>{' '}
            {x.state !== 'accepted' && x.state !== 'rejected' && x.verifiedAt && (
              <button
                type="button"
                disabled={action.busy}
                onClick={() =>
                  action
                    .run(() => post(`/api/archive-transfers/${x.id}/accept`), t('transferAccepted'))
                    .then(transfers.reload)
                }
              >
                {t('acceptTransfer')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {report && (
        <section aria-labelledby="report-h" data-testid="verify-report">
          <h2 id="report-h">{t('verified')}</h2>
          <p className={report.ok ? 'ok-text' : 'late-text'}>
            <strong>{report.ok ? t('packageOk') : t('packageBad', { n: report.problems?.length ?? 0 })}</strong>
          </p>
          {(report.problems ?? []).length > 0 && (
            <ul>
              {report.problems.map((p: { path: string; code: string; message: string }, i: number) => (
                <li key={i} className="late-text">
                  <code>{p.path}</code> — {p.message}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </Page>
  );
}
