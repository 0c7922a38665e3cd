import { useEffect } from 'react';
import { get, post } from '../api.js';
import { fmtDateTime } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Loading, Page, useAction, useLoad } from '../components/ui.js';

interface Status {
  state: 'running' | 'ok' | 'failed';
  kind: 'full' | 'incremental';
  startedAt: string;
  durationMs?: number;
  sizeBytes?: number;
  attempt: number;
  error?: string;
}
interface Overview {
  last: Status | null;
  settings: { dir: string; copyDir: string | null; schedule: string | null; keep: number; encrypted: boolean };
  backups: {
    id: string;
    kind: 'full' | 'incremental';
    createdAt: string;
    durationMs: number;
    sizeBytes: number;
    contentObjects: number;
  }[];
}

const size = (n?: number) =>
  n === undefined
    ? '—'
    : n < 1e6
      ? `${(n / 1e3).toFixed(1)} KB`
      : n < 1e9
        ? `${(n / 1e6).toFixed(1)} MB`
        : `${(n / 1e9).toFixed(2)} GB`;
const seconds = (ms?: number) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** Backups (installation administrators): the last run's result, size and duration, a run on demand, the list. */
export function BackupsPage() {
  const { t } = useI18n();
  const view = useLoad(() => get<Overview>('/api/backups'), []);
  const action = useAction();
  const running = view.data?.last?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(view.reload, 1500);
    return () => clearInterval(timer);
  }, [running]);
  const start = (kind: 'full' | 'incremental') => async () => {
    await action.run(() => post('/api/backups', { kind }));
    view.reload();
  };
  const last = view.data?.last;
  const s = view.data?.settings;
  return (
    <Page
      title={t('backupsTitle')}
      actions={
        <>
          <button
            type="button"
            className="primary"
            disabled={action.busy || running || !view.data}
            onClick={start('full')}
          >
            {t('backupFull')}
          </button>{' '}
          <button type="button" disabled={action.busy || running || !view.data} onClick={start('incremental')}>
            {t('backupIncremental')}
          </button>
        </>
      }
    >
      <p>{t('backupsIntro')}</p>
      <ErrorBox error={action.error} />
      <ErrorBox error={view.error} onRetry={view.reload} />
      {view.loading && !view.data && <Loading />}
      {view.data && (
        <>
          <h2>{t('backupLast')}</h2>
          {last ? (
            <dl data-testid="backup-last">
              <dt>{t('backupStarted')}</dt>
              <dd>
                {fmtDateTime(last.startedAt)} · {t(`backupKind.${last.kind}`)}
              </dd>
              <dt>{t('backupLast')}</dt>
              <dd className={last.state === 'failed' ? 'late-text' : last.state === 'ok' ? 'ok-text' : undefined}>
                <strong>{t(`backupState.${last.state}`)}</strong>
                {last.attempt > 1 && ` · ${t('backupAttempt')} ${last.attempt}`}
              </dd>
              <dt>{t('backupSize')}</dt>
              <dd>{size(last.sizeBytes)}</dd>
              <dt>{t('backupDuration')}</dt>
              <dd>{seconds(last.durationMs)}</dd>
              {last.error && (
                <>
                  <dt>{t('backupError')}</dt>
                  <dd>{last.error}</dd>
                </>
              )}
            </dl>
          ) : (
            <p>{t('backupNone')}</p>
          )}
          <h2>{t('backupSettings')}</h2>
          <dl>
            <dt>{t('backupDir')}</dt>
            <dd>
              <code>{s!.dir}</code>
            </dd>
            <dt>{t('backupCopyDir')}</dt>
            <dd>{s!.copyDir ? <code>{s!.copyDir}</code> : '—'}</dd>
            <dt>{t('backupSchedule')}</dt>
            <dd>{s!.schedule ?? t('backupScheduleOff')}</dd>
            <dt>{t('backupKeep')}</dt>
            <dd>{s!.keep}</dd>
            <dt>{t('backupEncrypted')}</dt>
            <dd>{s!.encrypted ? t('yes') : t('no')}</dd>
          </dl>
          <h2>{t('backupList')}</h2>
          <table data-testid="backup-table">
            <thead>
              <tr>
                <th scope="col">{t('backupCreated')}</th>
                <th scope="col">{t('backupKind')}</th>
                <th scope="col">{t('backupSize')}</th>
                <th scope="col">{t('backupDuration')}</th>
                <th scope="col">{t('backupFiles')}</th>
                <th scope="col">{t('backupId')}</th>
              </tr>
            </thead>
            <tbody>
              {view.data.backups.map((b) => (
                <tr key={b.id}>
                  <td>{fmtDateTime(b.createdAt)}</td>
                  <td>{t(`backupKind.${b.kind}`)}</td>
                  <td>{size(b.sizeBytes)}</td>
                  <td>{seconds(b.durationMs)}</td>
                  <td>{b.contentObjects}</td>
                  <td>
                    <code>{b.id}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}
