import { useState } from 'react';
import { get } from '../api.js';
import { byUrgencyAndDue, fmtDate } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Link, Loading, Page, UrgencyBadge, useLoad } from '../components/ui.js';

export interface TaskItem {
  id: string;
  name: string;
  /** The task's document is secret to the viewer: no subject, no link. */
  redacted?: boolean;
  elementId: string;
  processInstanceId: string;
  processId?: string;
  businessKey?: string;
  assigneeId?: string | null;
  candidateGroups?: string[];
  dueAt?: string | null;
  createdAt: string;
  state: string;
  overdue?: boolean;
  urgency?: string | null;
  subject?: string | null;
}

export const isOverdue = (t: TaskItem) =>
  t.overdue ?? (!!t.dueAt && t.state === 'open' && Date.parse(t.dueAt) < Date.now());

export function InboxPage() {
  const { t } = useI18n();
  const [scope, setScope] = useState<'mine' | 'group'>('mine');
  const [state, setState] = useState<'open' | 'done'>('open');
  const tasks = useLoad(() => get<TaskItem[]>(`/api/tasks?scope=${scope}&state=${state}`), [scope, state]);
  const rows = [...(tasks.data ?? [])].sort(byUrgencyAndDue);
  return (
    <Page title={t('inboxTitle')}>
      <div className="toolbar" role="group" aria-label={t('inboxTitle')}>
        <div className="segmented">
          <button type="button" aria-pressed={scope === 'mine'} onClick={() => setScope('mine')}>
            {t('scopeMine')}
          </button>
          <button type="button" aria-pressed={scope === 'group'} onClick={() => setScope('group')}>
            {t('scopeGroup')}
          </button>
        </div>
        <div className="segmented">
          <button type="button" aria-pressed={state === 'open'} onClick={() => setState('open')}>
            {t('stateOpen')}
          </button>
          <button type="button" aria-pressed={state === 'done'} onClick={() => setState('done')}>
            {t('stateDone')}
          </button>
        </div>
      </div>
      <ErrorBox error={tasks.error} onRetry={tasks.reload} />
      {tasks.loading && !tasks.data ? (
        <Loading />
      ) : rows.length === 0 && !tasks.error ? (
        <p className="muted">{t('noData')}</p>
      ) : rows.length > 0 ? (
        <table className="list" data-testid="inbox">
          <thead>
            <tr>
              <th scope="col">{t('taskName')}</th>
              <th scope="col">{t('subject')}</th>
              <th scope="col">{t('urgency')}</th>
              <th scope="col">{t('createdAt')}</th>
              <th scope="col">{t('dueAt')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((task) => {
              const late = isOverdue(task);
              return (
                <tr key={task.id} className={late ? 'late' : undefined} data-task-element={task.elementId}>
                  <td>
                    {task.redacted ? (
                      task.name || task.elementId
                    ) : (
                      <Link to={`/tasks/${task.id}`}>{task.name || task.elementId}</Link>
                    )}
                  </td>
                  <td>{task.redacted ? t('secretTask') : (task.subject ?? task.businessKey ?? '')}</td>
                  <td>
                    <UrgencyBadge urgency={task.urgency} />
                  </td>
                  <td>{fmtDate(task.createdAt)}</td>
                  <td className={late ? 'late-text' : undefined}>
                    {fmtDate(task.dueAt)} {late && <strong>({t('overdue')})</strong>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}
