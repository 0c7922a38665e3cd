import { useState } from 'react';
import { get } from '../api.js';
import { byVi, fmtDate } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Link, Loading, Page, useLoad } from '../components/ui.js';

interface Group {
  key: string;
  label: string;
  onTime: number;
  dueSoon: number;
  late: number;
}
interface BoardTask {
  id: string;
  name: string;
  /** The task's document is secret to the viewer: no subject, no link. */
  redacted?: boolean;
  subject?: string;
  assigneeId?: string;
  assigneeName?: string;
  unitId?: string;
  unitName?: string;
  dueAt?: string;
  status: 'onTime' | 'dueSoon' | 'late' | string;
}

/** Tolerates both `{ userId, fullName }` and `{ id, name }` group rows. */
const toGroups = (rows: any[] | undefined, kind: 'person' | 'unit', none: string): Group[] =>
  (rows ?? []).map((r) => ({
    key: String(r[kind === 'person' ? 'userId' : 'unitId'] ?? r.id ?? ''),
    label: String((kind === 'person' ? r.fullName : r.name) ?? none),
    onTime: r.onTime ?? 0,
    dueSoon: r.dueSoon ?? 0,
    late: r.late ?? 0,
  }));

/** Leader's tracking board: open work by person and unit, on time / due soon / late, drill down to the task. */
export function BoardPage() {
  const { t } = useI18n();
  const board = useLoad(() => get<any>('/api/tasks/board'), []);
  const [filter, setFilter] = useState<{ kind: 'person' | 'unit'; key: string; label: string }>();
  const b = board.data;
  const tasks: BoardTask[] = b?.tasks ?? [];
  const shown = filter
    ? tasks.filter((x) => String((filter.kind === 'person' ? x.assigneeId : x.unitId) ?? '') === filter.key)
    : tasks;
  const table = (kind: 'person' | 'unit', rows: Group[]) => (
    <table className="list board" data-testid={`board-${kind}`}>
      <caption>{kind === 'person' ? t('byPerson') : t('byUnit')}</caption>
      <thead>
        <tr>
          <th scope="col">{kind === 'person' ? t('person') : t('unit')}</th>
          <th scope="col">{t('onTime')}</th>
          <th scope="col">{t('dueSoon')}</th>
          <th scope="col">{t('late')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.sort(byVi((g) => g.label)).map((g) => (
          <tr key={g.key}>
            <th scope="row">
              <button type="button" className="link" onClick={() => setFilter({ kind, key: g.key, label: g.label })}>
                {g.label}
              </button>
            </th>
            <td className="ok-text">{g.onTime}</td>
            <td className="soon-text">{g.dueSoon}</td>
            <td className={g.late ? 'late-text' : undefined}>{g.late}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Page title={t('boardTitle')}>
      <ErrorBox error={board.error} onRetry={board.reload} />
      {board.loading && !b && <Loading />}
      {b && (
        <>
          <div className="two-col">
            {table('person', toGroups(b.byPerson, 'person', t('unassigned')))}
            {table('unit', toGroups(b.byUnit, 'unit', '—'))}
          </div>
          <h2>
            {t('taskName')} {filter && `— ${filter.label}`}{' '}
            {filter && (
              <button type="button" className="link" onClick={() => setFilter(undefined)}>
                ({t('close')})
              </button>
            )}
          </h2>
          <table className="list" data-testid="board-tasks">
            <thead>
              <tr>
                <th scope="col">{t('taskName')}</th>
                <th scope="col">{t('subject')}</th>
                <th scope="col">{t('assignee')}</th>
                <th scope="col">{t('unit')}</th>
                <th scope="col">{t('dueAt')}</th>
                <th scope="col">{t('status')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((x) => (
                <tr
                  key={x.id}
                  className={x.status === 'late' ? 'late' : x.status === 'dueSoon' ? 'soon' : undefined}
                  data-status={x.status}
                >
                  <td>{x.redacted ? x.name : <Link to={`/tasks/${x.id}`}>{x.name}</Link>}</td>
                  <td>{x.redacted ? t('secretTask') : x.subject}</td>
                  <td>{x.assigneeName ?? t('unassigned')}</td>
                  <td>{x.unitName}</td>
                  <td>{fmtDate(x.dueAt)}</td>
                  <td>{t(x.status === 'late' ? 'late' : x.status === 'dueSoon' ? 'dueSoon' : 'onTime')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Page>
  );
}
