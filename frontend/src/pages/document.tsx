import { useState } from 'react';
import { get, upload } from '../api.js';
import { fmtDate, fmtDateTime } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Field, Link, Loading, Notice, Page, UrgencyBadge, useAction, useLoad } from '../components/ui.js';
import { ExchangeTimeline } from './exchange.js';
import { PdfPane } from './task.js';
import { CopiesPanel } from './document-copies.js';
import { ContentJobs } from '../components/content-jobs.js';
import type { DocumentItem } from './documents.js';

interface DocumentDetail extends DocumentItem {
  issuedAt?: string | null;
  registeredAt?: string | null;
  typeName?: string;
  organName?: string;
  arrivalNumber?: number | null;
  dossierIds?: string[];
  versions?: { version: number; createdAt: string; createdBy?: string }[];
  [k: string]: unknown;
}

export function DocumentPage({ id }: { id: string }) {
  const { t } = useI18n();
  const doc = useLoad(() => get<DocumentDetail>(`/api/documents/${id}`), [id]);
  const sigs = useLoad(() => get<any[]>(`/api/documents/${id}/signatures`), [id]);
  const hist = useLoad(() => get<any[]>(`/api/documents/${id}/history`), [id]);
  if (doc.loading && !doc.data) return <Loading />;
  const d = doc.data;
  if (!d)
    return (
      <Page title={t('documentsTitle')}>
        <ErrorBox error={doc.error} onRetry={doc.reload} />
      </Page>
    );
  return (
    <Page title={d.subject} actions={<Link to="/documents">{t('back')}</Link>}>
      <dl className="meta">
        <dt>{t('numberNotation')}</dt>
        <dd>{d.notation ?? '—'}</dd>
        <dt>{t('direction')}</dt>
        <dd>{t(`direction.${d.direction}`)}</dd>
        <dt>{t('typeCode')}</dt>
        <dd>{d.typeName ?? d.typeCode}</dd>
        {d.direction === 'incoming' && (
          <>
            <dt>{t('senderName')}</dt>
            <dd>{d.organName || '—'}</dd>
            <dt>{t('originalDate')}</dt>
            <dd>{d.documentDate ? fmtDate(d.documentDate) : '—'}</dd>
            <dt>{t('arrivalNumber')}</dt>
            <dd>
              {d.arrivalNumber ?? '—'}
              {d.registeredAt ? ` — ${fmtDate(d.registeredAt)}` : ''}
            </dd>
          </>
        )}
        <dt>{t('status')}</dt>
        <dd>{t(`status.${d.status}`)}</dd>
        {d.urgency && d.urgency !== 'normal' && (
          <>
            <dt>{t('urgency')}</dt>
            <dd>
              <UrgencyBadge urgency={d.urgency} />
            </dd>
          </>
        )}
        {d.issuedAt && (
          <>
            <dt>{t('issuedAt')}</dt>
            <dd>{fmtDate(d.issuedAt)}</dd>
          </>
        )}
        {(d.dossierIds ?? []).length > 0 && (
          <>
            <dt>{t('dossier')}</dt>
            <dd>
              {d.dossierIds!.map((x) => (
                <Link key={x} to={`/dossiers/${x}`}>
                  {t('viewDossier')}
                </Link>
              ))}
            </dd>
          </>
        )}
      </dl>
      <div className="split">
        <PdfPane documentId={id} />
        <div>
          <h2>{t('signatures')}</h2>
          <ErrorBox error={sigs.error} />
          {sigs.data && sigs.data.length === 0 && <p className="muted">{t('noSignatures')}</p>}
          <ul data-testid="signatures">
            {(sigs.data ?? []).map((s, i) => (
              <li key={i}>
                {s.signer} — {fmtDateTime(s.signedAt)} —{' '}
                <span className={s.valid ? 'ok-text' : 'late-text'}>
                  {s.valid ? t('signatureValid') : t('signatureInvalid')}
                </span>
                <br />
                <small className="muted">{s.certificateSubject}</small>
              </li>
            ))}
          </ul>
          {d.direction === 'outgoing' && d.issuedAt && <ExchangeTimeline id={id} />}
          <ContentJobs documentId={id} />
          <h2>{t('history')}</h2>
          <ErrorBox error={hist.error} />
          <ol className="history">
            {(hist.data ?? []).map((h, i) => (
              <li key={i}>
                <span className="muted">{fmtDateTime(h.at)}</span> {h.actorName ?? ''} — {t(`action.${h.action}`)}
                {h.action === 'status' && h.data?.to ? `: ${t(`status.${h.data.to}`)}` : ''}
                {h.note ? `: ${h.note}` : ''}
              </li>
            ))}
          </ol>
          <CopiesPanel
            id={id}
            registered={d.direction === 'incoming' ? d.arrivalNumber != null : ['issued', 'filed'].includes(d.status)}
            onDone={hist.reload}
          />
          {d.direction === 'outgoing' && ['drafting', 'consulting', 'reviewing'].includes(d.status) && (
            <NewVersion id={id} onDone={() => hist.reload()} />
          )}
        </div>
      </div>
    </Page>
  );
}

/** Upload of a new draft version or an attachment (the drafter's revisions are kept, Decree 30 art. 10). */
function NewVersion({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File>();
  const [role, setRole] = useState('draft');
  const [note, setNote] = useState('');
  const [pct, setPct] = useState<number>();
  const action = useAction();
  return (
    <form
      className="form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!file) return action.setError(new Error(t('errRequired', { field: t('file') })));
        const form = new FormData();
        form.append('file', file);
        form.append('role', role);
        if (note) form.append('note', note);
        const r = await action.run(() => upload(`/api/documents/${id}/versions`, form, setPct), t('versionUploaded'));
        if (r) onDone();
      }}
    >
      <h2>{t('newVersion')}</h2>
      <Field label={t('file')} id="version-file" required>
        <input id="version-file" type="file" onChange={(e) => setFile(e.target.files?.[0])} />
      </Field>
      <Field label={t('type')} id="version-role">
        <select id="version-role" value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="draft">{t('versionDraft')}</option>
          <option value="attachment">{t('attachments')}</option>
        </select>
      </Field>
      <Field label={t('note')} id="version-note">
        <input id="version-note" value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      {pct !== undefined && <progress max={100} value={pct} />}
      <Notice>{action.done}</Notice>
      <ErrorBox error={action.error} />
      <button type="submit" disabled={action.busy}>
        {t('send')}
      </button>
    </form>
  );
}
