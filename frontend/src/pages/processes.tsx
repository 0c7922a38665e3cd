import { useState } from 'react';
import { get, post } from '../api.js';
import { byVi, fmtDateTime } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { diffDefinitions, type ElementChange } from '../bpmn/diff.js';
import { ErrorBox, Link, Loading, Notice, Page, useAction, useLoad } from '../components/ui.js';
import { ownerLabel, type OwnedDefinition } from './process-owner.js';

interface Definition extends OwnedDefinition {
  deployedAt: string;
  checksum?: string;
  name?: string;
}

export function ProcessesPage() {
  const { t } = useI18n();
  const defs = useLoad(() => get<Definition[]>('/api/workflow/definitions'), []);
  const [selected, setSelected] = useState<string>();
  return (
    <Page title={t('processesTitle')} actions={<Link to="/processes/new">{t('newProcess')}</Link>}>
      <ErrorBox error={defs.error} onRetry={defs.reload} />
      {defs.loading && !defs.data && <Loading />}
      {defs.data && (
        <table className="list" data-testid="process-list">
          <thead>
            <tr>
              <th scope="col">{t('processId')}</th>
              <th scope="col">{t('version')}</th>
              <th scope="col">{t('processOwner')}</th>
              <th scope="col">{t('deployedAt')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {[...defs.data].sort(byVi((d) => d.processId)).map((d) => (
              <tr key={d.processId} aria-selected={selected === d.processId}>
                <td>
                  {d.name ? `${d.name} ` : ''}
                  <code>{d.processId}</code>
                </td>
                <td>{d.version}</td>
                <td>{ownerLabel(t, d)}</td>
                <td>{fmtDateTime(d.deployedAt)}</td>
                <td className="actions">
                  <Link to={`/processes/${encodeURIComponent(d.processId)}/edit`}>{t('edit')}</Link>
                  <button type="button" className="link" onClick={() => setSelected(d.processId)}>
                    {t('versions')} / {t('instances')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <ProcessDetail processId={selected} key={selected} />}
      <Incidents />
    </Page>
  );
}

/** Open incidents of the agency's instances (a failed service task waits here for a retry). */
function Incidents() {
  const { t } = useI18n();
  const list = useLoad(() => get<any[]>('/api/workflow/incidents?state=open'), []);
  const retry = useAction();
  if (!list.data?.length && !list.error) return null;
  return (
    <section aria-labelledby="incidents-h">
      <h2 id="incidents-h">{t('incidents')}</h2>
      <ErrorBox error={list.error ?? retry.error} />
      <Notice>{retry.done}</Notice>
      <table className="list" data-testid="incidents">
        <thead>
          <tr>
            <th scope="col">{t('instance')}</th>
            <th scope="col">{t('element')}</th>
            <th scope="col">{t('details')}</th>
            <th scope="col">{t('startedAt')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((i) => (
            <tr key={i.id} className="late">
              <td>
                <Link to={`/instances/${i.instanceId}`}>{String(i.instanceId).slice(0, 8)}</Link>
              </td>
              <td>
                <code>{i.elementId}</code>
              </td>
              <td>{i.message}</td>
              <td>{fmtDateTime(i.createdAt)}</td>
              <td>
                <button
                  type="button"
                  disabled={retry.busy}
                  onClick={() =>
                    retry.run(() => post(`/api/workflow/incidents/${i.id}/retry`), t('retried')).then(list.reload)
                  }
                >
                  {t('retry')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ProcessDetail({ processId }: { processId: string }) {
  const { t } = useI18n();
  const versions = useLoad(
    () => get<Definition[]>(`/api/workflow/definitions/${encodeURIComponent(processId)}/versions`),
    [processId],
  );
  const instances = useLoad(
    () => get<any[]>(`/api/workflow/instances?processId=${encodeURIComponent(processId)}`),
    [processId],
  );
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [diff, setDiff] = useState<ElementChange[]>();
  const cmp = useAction();
  const list = [...(versions.data ?? [])].sort((x, y) => y.version - x.version);
  const xml = (v: string) => get<string>(`/api/workflow/definitions/${encodeURIComponent(processId)}/xml?version=${v}`);
  return (
    <section aria-labelledby="pd-h">
      <h2 id="pd-h">
        <code>{processId}</code>: {t('versions')}
      </h2>
      <ErrorBox error={versions.error} />
      <ul className="versions">
        {list.map((v) => (
          <li key={v.version}>
            v{v.version} — {fmtDateTime(v.deployedAt)} — {ownerLabel(t, v)}
          </li>
        ))}
      </ul>
      {list.length > 1 && (
        <form
          className="inline"
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await cmp.run(async () => diffDefinitions(await xml(a), await xml(b)));
            setDiff(r);
          }}
        >
          <label htmlFor="va">{t('version')}</label>
          <select id="va" value={a} onChange={(e) => setA(e.target.value)} required>
            <option value="" />
            {list.map((v) => (
              <option key={v.version}>{v.version}</option>
            ))}
          </select>
          <label htmlFor="vb">{t('version')}</label>
          <select id="vb" value={b} onChange={(e) => setB(e.target.value)} required>
            <option value="" />
            {list.map((v) => (
              <option key={v.version}>{v.version}</option>
            ))}
          </select>
          <button type="submit" disabled={cmp.busy}>
            {t('compare')}
          </button>
        </form>
      )}
      <ErrorBox error={cmp.error} />
      {diff && <DiffTable changes={diff} title={t('compareVersions', { a, b })} />}
      <h2>{t('instances')}</h2>
      <ErrorBox error={instances.error} />
      <table className="list">
        <thead>
          <tr>
            <th scope="col">{t('instance')}</th>
            <th scope="col">{t('version')}</th>
            <th scope="col">{t('businessKey')}</th>
            <th scope="col">{t('state')}</th>
            <th scope="col">{t('startedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {(instances.data ?? []).map((i) => (
            <tr key={i.id}>
              <td>
                <Link to={`/instances/${i.id}`}>{i.id.slice(0, 8)}</Link>
              </td>
              <td>{i.version}</td>
              <td>{i.businessKey}</td>
              <td>{t(`instanceState.${i.state}`)}</td>
              <td>{fmtDateTime(i.startedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DiffTable({ changes, title }: { changes: ElementChange[]; title: string }) {
  const { t } = useI18n();
  const label = { added: t('diffAdded'), removed: t('diffRemoved'), changed: t('diffChanged') };
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      {changes.length === 0 ? (
        <p>{t('noDiff')}</p>
      ) : (
        <table className="list" data-testid="diff">
          <thead>
            <tr>
              <th scope="col">{t('state')}</th>
              <th scope="col">{t('element')}</th>
              <th scope="col">{t('type')}</th>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('details')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.change + c.id} className={`diff-${c.change}`}>
                <td>{label[c.change]}</td>
                <td>
                  <code>{c.id}</code>
                </td>
                <td>{c.type}</td>
                <td>{c.name}</td>
                <td>
                  {c.details.map((x, i) => (
                    <div key={i}>
                      <code>{x}</code>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
