import { useState } from 'react';
import { get, post, upload } from '../api.js';
import { FileLink, useTicketUrl } from '../components/file-link.js';
import { ReviewedDraft } from '../components/reviewed-draft.js';
import { fmtDate, fmtDateTime } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { navigate } from '../router.js';
import { ErrorBox, Link, Loading, Notice, Page, UrgencyBadge, useAction, useLoad, useMe } from '../components/ui.js';
import { TaskForm, type FormField } from '../components/task-form.js';
import { isOverdue, type TaskItem } from './inbox.js';

interface TaskDetail extends TaskItem {
  form?: { fields: FormField[] };
}

/** Tasks of the document processes carry the document id as business key. */
const documentIdOf = (task: TaskDetail) =>
  task.businessKey && /document/.test(task.processId ?? '') ? task.businessKey : undefined;

export function TaskPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { me, refreshCounts } = useMe();
  const task = useLoad(() => get<TaskDetail>(`/api/tasks/${id}`), [id]);
  const action = useAction();
  if (task.loading && !task.data) return <Loading />;
  if (!task.data)
    return (
      <Page title={t('taskName')}>
        <ErrorBox error={task.error} onRetry={task.reload} />
      </Page>
    );
  const d = task.data;
  const docId = documentIdOf(d);
  const mustClaim = d.state === 'open' && !d.assigneeId;
  const late = isOverdue(d);
  return (
    <Page title={d.name || d.elementId} actions={<Link to="/">{t('back')}</Link>}>
      <dl className="meta">
        {d.subject && (
          <>
            <dt>{t('subject')}</dt>
            <dd>{d.subject}</dd>
          </>
        )}
        <dt>{t('createdAt')}</dt>
        <dd>{fmtDateTime(d.createdAt)}</dd>
        {d.dueAt && (
          <>
            <dt>{t('dueAt')}</dt>
            <dd className={late ? 'late-text' : undefined}>
              {fmtDate(d.dueAt)} {late && <strong>({t('overdue')})</strong>}
            </dd>
          </>
        )}
        {d.urgency && d.urgency !== 'normal' && (
          <>
            <dt>{t('urgency')}</dt>
            <dd>
              <UrgencyBadge urgency={d.urgency} />
            </dd>
          </>
        )}
        {docId && (
          <>
            <dt>{t('documentsTitle')}</dt>
            <dd>
              <Link to={`/documents/${docId}`}>{t('details')}</Link>
            </dd>
            {d.elementId === 'sign' && <ReviewedDraft documentId={docId} />}
          </>
        )}
      </dl>
      <Notice>{action.done}</Notice>
      <ErrorBox error={action.error} />
      <div className={docId ? 'split' : undefined}>
        {docId && <PdfPane documentId={docId} />}
        <div>
          {d.state === 'open' && (
            <section aria-labelledby="form-h">
              <h2 id="form-h">{t('taskForm')}</h2>
              {mustClaim ? (
                <button
                  type="button"
                  className="primary"
                  disabled={action.busy}
                  onClick={() =>
                    action
                      .run(() => post(`/api/tasks/${id}/claim`), t('claimed'))
                      .then((r) => r !== undefined && task.reload())
                  }
                >
                  {t('claim')}
                </button>
              ) : d.assigneeId === me.id || !d.assigneeId ? (
                <TaskForm
                  taskId={id}
                  fields={d.form?.fields ?? []}
                  busy={action.busy}
                  onSubmit={async (variables) => {
                    const r = await action.run(() => post(`/api/tasks/${id}/complete`, { variables }), t('completed'));
                    if (r !== undefined) {
                      refreshCounts();
                      navigate('/');
                    }
                  }}
                />
              ) : null}
            </section>
          )}
          <Comments taskId={id} />
          <Attachments taskId={id} />
        </div>
      </div>
    </Page>
  );
}

export function PdfPane({ documentId }: { documentId: string }) {
  const { t } = useI18n();
  const path = `/api/documents/${documentId}/pdf`;
  const url = useTicketUrl(path);
  return (
    <section className="pdf" aria-label={t('documentPdf')}>
      {url && <iframe title={t('documentPdf')} src={url} data-testid="pdf-frame" />}
      <FileLink path={path} newTab>
        {t('openPdf')}
      </FileLink>
    </section>
  );
}

function Comments({ taskId }: { taskId: string }) {
  const { t } = useI18n();
  const list = useLoad(() => get<any[]>(`/api/tasks/${taskId}/comments`), [taskId]);
  const [text, setText] = useState('');
  const action = useAction();
  return (
    <section aria-labelledby="comments-h">
      <h2 id="comments-h">{t('comments')}</h2>
      <ErrorBox error={list.error} />
      <ul className="comments">
        {(list.data ?? []).map((c, i) => (
          <li key={c.id ?? i}>
            <strong>{c.authorName ?? c.author?.fullName ?? c.userName ?? ''}</strong>{' '}
            <span className="muted">{fmtDateTime(c.createdAt ?? c.at)}</span>
            <p>{c.text ?? c.body ?? c.message}</p>
          </li>
        ))}
      </ul>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!text.trim()) return;
          const r = await action.run(() => post(`/api/tasks/${taskId}/comments`, { text }));
          if (r !== undefined) {
            setText('');
            list.reload();
          }
        }}
      >
        <label htmlFor="comment" className="sr-only">
          {t('addComment')}
        </label>
        <textarea id="comment" rows={2} value={text} onChange={(e) => setText(e.target.value)} />
        <ErrorBox error={action.error} />
        <button type="submit" disabled={action.busy}>
          {t('addComment')}
        </button>
      </form>
    </section>
  );
}

function Attachments({ taskId }: { taskId: string }) {
  const { t } = useI18n();
  const list = useLoad(() => get<any[]>(`/api/tasks/${taskId}/attachments`), [taskId]);
  const [pct, setPct] = useState<number>();
  const [error, setError] = useState<unknown>();
  return (
    <section aria-labelledby="att-h">
      <h2 id="att-h">{t('attachments')}</h2>
      <ErrorBox error={list.error ?? error} />
      <ul>
        {(list.data ?? []).map((a) => (
          <li key={a.id}>
            <FileLink path={`/api/tasks/${taskId}/attachments/${a.id}`}>{a.fileName ?? a.name ?? a.id}</FileLink>
          </li>
        ))}
      </ul>
      <label htmlFor="attach">{t('addAttachment')}</label>{' '}
      <input
        id="attach"
        type="file"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          const form = new FormData();
          form.append('file', file);
          setError(undefined);
          try {
            await upload(`/api/tasks/${taskId}/attachments`, form, setPct);
            list.reload();
          } catch (err) {
            setError(err);
          }
        }}
      />
      {pct !== undefined && <progress max={100} value={pct} />}
    </section>
  );
}
