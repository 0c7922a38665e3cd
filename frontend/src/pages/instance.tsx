import { useEffect, useRef, useState } from 'react';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { get, post } from '../api.js';
import { fmtDateTime } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Link, Loading, Notice, Page, useAction, useLoad } from '../components/ui.js';

interface Instance {
  id: string;
  processId: string;
  version: number;
  businessKey?: string;
  state: string;
  startedAt: string;
  endedAt?: string;
  activities: {
    elementId: string;
    name?: string;
    state: 'active' | 'completed';
    startedAt: string;
    endedAt?: string;
    by?: string;
  }[];
  incidents?: { id: string; elementId?: string; message: string; createdAt?: string; state?: string }[];
}

/** A running instance on its own version's diagram: active steps highlighted, incidents with retry. */
export default function InstancePage({ id }: { id: string }) {
  const { t } = useI18n();
  const inst = useLoad(() => get<Instance>(`/api/workflow/instances/${id}`), [id]);
  const ref = useRef<HTMLDivElement>(null);
  const [diagramError, setDiagramError] = useState<unknown>();
  const retry = useAction();
  const d = inst.data;

  useEffect(() => {
    if (!d || !ref.current) return;
    const viewer = new NavigatedViewer({ container: ref.current });
    let alive = true;
    (async () => {
      try {
        const xml = await get<string>(
          `/api/workflow/definitions/${encodeURIComponent(d.processId)}/xml?version=${d.version}`,
        );
        if (!alive) return;
        await viewer.importXML(xml);
        const canvas: any = viewer.get('canvas');
        const registry: any = viewer.get('elementRegistry');
        canvas.zoom('fit-viewport');
        for (const a of d.activities)
          if (registry.get(a.elementId))
            canvas.addMarker(a.elementId, a.state === 'active' ? 'active-activity' : 'completed-activity');
        for (const i of d.incidents ?? [])
          if (i.elementId && registry.get(i.elementId)) canvas.addMarker(i.elementId, 'deploy-error');
      } catch (e) {
        if (alive) setDiagramError(e);
      }
    })();
    return () => {
      alive = false;
      viewer.destroy();
    };
  }, [d]);

  if (inst.loading && !d) return <Loading />;
  if (!d)
    return (
      <Page title={t('instance')}>
        <ErrorBox error={inst.error} onRetry={inst.reload} />
      </Page>
    );
  return (
    <Page title={`${t('instance')} ${d.processId} v${d.version}`} actions={<Link to="/processes">{t('back')}</Link>}>
      <dl className="meta">
        <dt>{t('state')}</dt>
        <dd>{t(`instanceState.${d.state}`)}</dd>
        <dt>{t('businessKey')}</dt>
        <dd>{d.businessKey}</dd>
        <dt>{t('startedAt')}</dt>
        <dd>{fmtDateTime(d.startedAt)}</dd>
        {d.endedAt && (
          <>
            <dt>{t('endedAt')}</dt>
            <dd>{fmtDateTime(d.endedAt)}</dd>
          </>
        )}
      </dl>
      <ErrorBox error={diagramError} />
      <div className="viewer" ref={ref} data-testid="instance-diagram" />
      <Notice>{retry.done}</Notice>
      <ErrorBox error={retry.error} />
      {(d.incidents ?? []).length > 0 && (
        <section aria-labelledby="inc-h">
          <h2 id="inc-h">{t('incidents')}</h2>
          <ul>
            {d.incidents!.map((i) => (
              <li key={i.id} className="late-text">
                <code>{i.elementId}</code> {i.message}{' '}
                <button
                  type="button"
                  disabled={retry.busy}
                  onClick={() =>
                    retry.run(() => post(`/api/workflow/incidents/${i.id}/retry`), t('retried')).then(inst.reload)
                  }
                >
                  {t('retry')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <h2>{t('activities')}</h2>
      <table className="list">
        <thead>
          <tr>
            <th scope="col">{t('element')}</th>
            <th scope="col">{t('state')}</th>
            <th scope="col">{t('startedAt')}</th>
            <th scope="col">{t('endedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {d.activities.map((a, n) => (
            <tr key={n} className={a.state === 'active' ? 'active-row' : undefined}>
              <td>{a.name || a.elementId}</td>
              <td>{t(`instanceState.${a.state}`)}</td>
              <td>{fmtDateTime(a.startedAt)}</td>
              <td>{fmtDateTime(a.endedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
