import { useState } from 'react';
import { get, post, upload } from '../api.js';
import { useI18n, type Translate } from '../i18n/index.js';
import { ErrorBox, Field, hasRole, Loading, Notice, Page, useAction, useLoad, useMe } from '../components/ui.js';

interface Line {
  id: string;
  kind: 'heading' | 'subheading' | 'entry';
  number: string;
  abbreviation: string;
  notation: string | null;
  title: string;
  retention: string | null;
  headingId: string | null;
  opened?: boolean;
}
interface Heading extends Line {
  entries: Line[];
  subheadings: (Line & { entries: Line[] })[];
}
interface Plan {
  id: string | null;
  state: string | null;
  headings: Heading[];
  entries: Line[];
  totals: { total: number; permanent: number; fixedTerm: number };
}

export const retentionLabel = (t: Translate, r: string | number | null | undefined) =>
  r === null || r === undefined || r === ''
    ? '—'
    : /^(permanent|vĩnh viễn)$/i.test(String(r))
      ? t('permanent')
      : /^\d+$/.test(String(r))
        ? t('years', { n: String(r) })
        : String(r);

const thisYear = () =>
  Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));

/** The agency's file plan (danh mục hồ sơ, Decree 30 art. 28, appendix V): headings, entries, import, approval. */
export function FilePlanPage() {
  const { t } = useI18n();
  const { me } = useMe();
  const [year, setYear] = useState(thisYear);
  const plan = useLoad(() => get<Plan>(`/api/file-plans/${year}`), [year]);
  const action = useAction();
  const [pct, setPct] = useState<number>();
  const [nf, setNf] = useState({
    kind: 'entry',
    headingId: '',
    abbreviation: '',
    notation: '',
    title: '',
    retention: '',
  });
  const p = plan.data;
  const row = (x: Line) => (
    <tr key={x.id}>
      <td>{x.notation ?? ''}</td>
      <td>{x.title}</td>
      <td>{retentionLabel(t, x.retention)}</td>
      <td>
        {x.opened ? (
          <span className="muted">{t('dossierAlreadyOpened')}</span>
        ) : (
          <button
            type="button"
            disabled={action.busy}
            onClick={async () => {
              const r = await action.run(() =>
                post<{ id: string; code: string }>('/api/dossiers', { filePlanEntryId: x.id }),
              );
              if (r) {
                await action.run(async () => r, t('dossierOpened', { code: r.code }));
                plan.reload();
              }
            }}
          >
            {t('openDossier')}
          </button>
        )}
      </td>
    </tr>
  );
  return (
    <Page
      title={t('filePlanTitle', { year })}
      actions={
        p?.id && p.state !== 'approved' && hasRole(me, 'leader') ? (
          <button
            type="button"
            className="primary"
            disabled={action.busy}
            onClick={() => action.run(() => post(`/api/file-plans/${year}/approve`), t('approved')).then(plan.reload)}
          >
            {t('approve')}
          </button>
        ) : null
      }
    >
      <div className="toolbar">
        <label htmlFor="year">{t('year')}</label>
        <input
          id="year"
          type="number"
          min={2000}
          max={2100}
          value={year}
          onChange={(e) => setYear(Number(e.target.value))}
        />
        {/* an approved plan is no longer replaced by an import (the server would answer 409) */}
        {p?.state !== 'approved' && (
          <>
            <label htmlFor="import">{t('importFile')}</label>
            <input
              id="import"
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                const form = new FormData();
                form.append('file', file);
                const r = await action.run(() => upload<any>(`/api/file-plans/${year}/import`, form, setPct));
                if (r) {
                  action.run(async () => r, t('imported', { n: r.imported ?? r.entries ?? r.count ?? '' }));
                  plan.reload();
                }
              }}
            />
          </>
        )}
        {pct !== undefined && <progress max={100} value={pct} />}
        {p?.state && <span className="badge">{t(`planState.${p.state}`)}</span>}
      </div>
      <Notice>{action.done}</Notice>
      <ErrorBox error={action.error} />
      <ErrorBox error={plan.error} onRetry={plan.reload} />
      {plan.loading && !p && <Loading />}
      {p && p.headings.length > 0 && (
        <table className="list" data-testid="file-plan">
          <thead>
            <tr>
              <th scope="col">{t('notation')}</th>
              <th scope="col">{t('title')}</th>
              <th scope="col">{t('retention')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          {p.headings.map((h) => (
            <tbody key={h.id}>
              <tr className="heading-row">
                <th scope="rowgroup" colSpan={4}>
                  {h.number}. {h.title} ({h.abbreviation})
                </th>
              </tr>
              {h.entries.map(row)}
              {h.subheadings.map((s) => [
                <tr key={s.id} className="subheading-row">
                  <th scope="rowgroup" colSpan={4}>
                    {s.number}. {s.title}
                  </th>
                </tr>,
                ...s.entries.map(row),
              ])}
            </tbody>
          ))}
          <tfoot>
            <tr>
              <td colSpan={4}>
                {t('planTotals', {
                  total: p.totals.total,
                  permanent: p.totals.permanent,
                  fixedTerm: p.totals.fixedTerm,
                })}
              </td>
            </tr>
          </tfoot>
        </table>
      )}
      {p && p.state !== 'approved' && (
        <form
          className="form"
          onSubmit={async (e) => {
            e.preventDefault();
            const body: Record<string, unknown> = { kind: nf.kind, title: nf.title };
            if (nf.kind === 'heading') body.abbreviation = nf.abbreviation;
            else {
              body.headingId = nf.headingId;
              body.retention = /^\d+$/.test(nf.retention) ? Number(nf.retention) : nf.retention;
              if (nf.notation) body.notation = nf.notation;
            }
            const r = await action.run(() => post(`/api/file-plans/${year}/entries`, body), t('saved'));
            if (r) {
              setNf({ ...nf, title: '', notation: '', abbreviation: '' });
              plan.reload();
            }
          }}
        >
          <h2>{t('addEntry')}</h2>
          <div className="row">
            <Field label={t('lineKind')} id="fp-kind">
              <select id="fp-kind" value={nf.kind} onChange={(e) => setNf({ ...nf, kind: e.target.value })}>
                <option value="entry">{t('lineKind.entry')}</option>
                <option value="heading">{t('lineKind.heading')}</option>
              </select>
            </Field>
            {nf.kind === 'heading' ? (
              <Field label={t('abbreviation')} id="fp-abbr" required>
                <input
                  id="fp-abbr"
                  required
                  placeholder="TCCB"
                  value={nf.abbreviation}
                  onChange={(e) => setNf({ ...nf, abbreviation: e.target.value.toUpperCase() })}
                />
              </Field>
            ) : (
              <Field label={t('heading')} id="fp-heading" required>
                <select
                  id="fp-heading"
                  required
                  value={nf.headingId}
                  onChange={(e) => setNf({ ...nf, headingId: e.target.value })}
                >
                  <option value="">{t('chooseOption')}</option>
                  {(p.headings ?? []).map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.number}. {h.title}
                    </option>
                  ))}
                </select>
              </Field>
            )}
          </div>
          <Field label={t('title')} id="fp-title" required>
            <input id="fp-title" required value={nf.title} onChange={(e) => setNf({ ...nf, title: e.target.value })} />
          </Field>
          {nf.kind === 'entry' && (
            <div className="row">
              <Field label={t('notation')} id="fp-notation" hint={t('notationHint')}>
                <input
                  id="fp-notation"
                  placeholder="01.TCCB"
                  value={nf.notation}
                  onChange={(e) => setNf({ ...nf, notation: e.target.value })}
                />
              </Field>
              <Field label={t('retention')} id="fp-retention" required hint={t('retentionHint')}>
                <input
                  id="fp-retention"
                  required
                  placeholder="10"
                  value={nf.retention}
                  onChange={(e) => setNf({ ...nf, retention: e.target.value })}
                />
              </Field>
            </div>
          )}
          <button type="submit" disabled={action.busy}>
            {t('save')}
          </button>
        </form>
      )}
    </Page>
  );
}
