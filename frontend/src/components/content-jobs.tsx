import { useEffect } from 'react';
import { get, post } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, hasRole, useAction, useLoad, useMe } from './ui.js';

export interface ContentJob {
  id: string;
  fileName: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  mode: string;
  progress: number;
  attempts: number;
  pageCount: number;
  minDpi: number | null;
  lowDpi: boolean;
  signed: boolean;
  ocrSha256: string | null;
  error: string | null;
}

/** Text and OCR progress of each file of a document; refreshed every 2 s while a file is still in the queue. */
export function ContentJobs({ documentId }: { documentId: string }) {
  const { t } = useI18n();
  const { me } = useMe();
  const jobs = useLoad(() => get<ContentJob[]>(`/api/documents/${documentId}/content-jobs`), [documentId]);
  const action = useAction();
  const busy = (jobs.data ?? []).some((j) => j.status === 'queued' || j.status === 'running');
  useEffect(() => {
    if (!busy) return;
    const timer = setTimeout(jobs.reload, 2000);
    return () => clearTimeout(timer);
  }, [busy, jobs]);
  if (!jobs.data?.length) return <ErrorBox error={jobs.error} />;
  return (
    <section data-testid="content-jobs">
      <h2>{t('digi.title')}</h2>
      <ErrorBox error={action.error ?? jobs.error} />
      <ul>
        {jobs.data.map((j) => (
          <li key={j.id}>
            <strong>{j.fileName}</strong> — {t(`digi.status.${j.status}`)}
            {j.status === 'done' && (
              <>
                {' '}
                ({t(`digi.mode.${j.mode}`)}, {t('digi.pages', { n: j.pageCount })})
              </>
            )}
            {(j.status === 'running' || j.status === 'queued') && j.error !== 'OCR_OFF' && (
              <progress max={100} value={j.progress} aria-label={`${j.fileName} ${j.progress}%`} />
            )}
            {j.error === 'OCR_OFF' && <span className="muted"> — {t('digi.waitingOcr')}</span>}
            {j.lowDpi && <div className="late-text">{t('digi.lowDpi', { dpi: j.minDpi ?? '?' })}</div>}
            {j.signed && <div className="muted">{t('digi.signed')}</div>}
            {j.ocrSha256 && <div className="muted">{t('digi.ocrCopy')} ✓</div>}
            {j.status === 'failed' && (
              <div className="late-text">
                {j.error}{' '}
                {hasRole(me, 'clerk') && (
                  <button
                    type="button"
                    disabled={action.busy}
                    onClick={async () => {
                      await action.run(() => post(`/api/digitization/jobs/${j.id}/retry`));
                      jobs.reload();
                    }}
                  >
                    {t('digi.retry')}
                  </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
