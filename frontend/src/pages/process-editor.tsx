import { useEffect, useRef, useState } from 'react';
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import lintModule from 'bpmn-js-bpmnlint';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import { api, ApiError, get } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { lintConfig } from '../bpmn/lint-config.js';
import { NEW_DIAGRAM } from '../bpmn/new-diagram.js';
import { ErrorBox, Link, Notice, Page, useAction } from '../components/ui.js';
import { VersionOwner } from './process-owner.js';

interface LintIssue {
  id: string;
  message: string;
  category: 'error' | 'warn' | 'info';
}

/** bpmn-js Modeler with the Zeebe properties panel and Camunda 8.8 lint rules; deploys a new version. */
export default function EditorPage({ processId }: { processId?: string }) {
  const { t } = useI18n();
  const canvasRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const modelerRef = useRef<any>(null);
  const [loadError, setLoadError] = useState<unknown>();
  const [issues, setIssues] = useState<LintIssue[]>([]);
  const [ready, setReady] = useState(false);
  const deploy = useAction();
  const markedRef = useRef<string[]>([]);

  useEffect(() => {
    const modeler = new BpmnModeler({
      container: canvasRef.current!,
      propertiesPanel: { parent: panelRef.current! },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        ZeebePropertiesProviderModule,
        ZeebeBehaviorsModule,
        lintModule,
      ],
      moddleExtensions: { zeebe: zeebeModdle },
      linting: { bpmnlint: lintConfig, active: true },
    } as any);
    modelerRef.current = modeler;
    modeler.on('linting.completed', ({ issues: byElement }: { issues: Record<string, LintIssue[]> }) => {
      setIssues(Object.entries(byElement).flatMap(([id, list]) => list.map((i) => ({ ...i, id }))));
    });
    let alive = true;
    (async () => {
      try {
        const xml = processId
          ? await get<string>(`/api/workflow/definitions/${encodeURIComponent(processId)}/xml`)
          : NEW_DIAGRAM;
        if (!alive) return;
        await modeler.importXML(typeof xml === 'string' ? xml : String(xml));
        modeler.get<any>('canvas').zoom('fit-viewport');
        setReady(true);
      } catch (e) {
        if (alive) setLoadError(e);
      }
    })();
    return () => {
      alive = false;
      modeler.destroy();
    };
  }, [processId]);

  const mark = (ids: string[]) => {
    const canvas = modelerRef.current?.get('canvas');
    const registry = modelerRef.current?.get('elementRegistry');
    if (!canvas) return;
    for (const id of markedRef.current) if (registry.get(id)) canvas.removeMarker(id, 'deploy-error');
    markedRef.current = ids.filter((id) => registry.get(id));
    for (const id of markedRef.current) canvas.addMarker(id, 'deploy-error');
  };

  const select = (id: string) => {
    const el = modelerRef.current?.get('elementRegistry').get(id);
    if (el) {
      modelerRef.current.get('selection').select(el);
      modelerRef.current.get('canvas').scrollToElement(el);
    }
  };

  const onDeploy = async () => {
    const { xml } = await modelerRef.current.saveXML({ format: true });
    mark([]);
    const r = await deploy.run(() =>
      api<{ processId: string; version: number }>('POST', '/api/workflow/definitions', undefined, {
        type: 'application/xml',
        data: xml,
      }),
    );
    if (r) deploy.run(async () => r, t('deployed', { processId: r.processId, version: r.version }));
  };
  useEffect(() => {
    const err = deploy.error;
    if (err instanceof ApiError && Array.isArray(err.body.errors))
      mark(err.body.errors.map((e: { elementId?: string }) => e.elementId).filter((x: unknown): x is string => !!x));
  }, [deploy.error]);

  /** Zoom buttons for keyboard and touch users (bpmn-js zooms with Ctrl + wheel only); keeps the selection in view. */
  const zoom = (factor: number | 'fit') => {
    const canvas = modelerRef.current?.get('canvas');
    if (!canvas) return;
    if (factor === 'fit') return canvas.zoom('fit-viewport');
    canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * factor)));
    const [selected] = modelerRef.current.get('selection').get();
    if (selected) canvas.scrollToElement(selected);
  };

  const downloadXml = async () => {
    const { xml } = await modelerRef.current.saveXML({ format: true });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
    a.download = `${processId ?? 'process'}.bpmn`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  const errors = issues.filter((i) => i.category === 'error').length;
  const warnings = issues.filter((i) => i.category === 'warn').length;
  return (
    <Page
      title={processId ? `${t('edit')}: ${processId}` : t('newProcess')}
      actions={
        <>
          <Link to="/processes">{t('back')}</Link>
          <button type="button" onClick={downloadXml} disabled={!ready}>
            {t('downloadXml')}
          </button>
          <button
            type="button"
            className="primary"
            onClick={onDeploy}
            disabled={!ready || deploy.busy}
            data-testid="deploy"
          >
            {t('deploy')}
          </button>
        </>
      }
    >
      <p className="muted">{t('editorHelp')}</p>
      {processId && <VersionOwner processId={processId} key={deploy.done} />}
      <ErrorBox error={loadError} />
      <Notice>{deploy.done}</Notice>
      <ErrorBox error={deploy.error} />
      <p className="lint-summary" data-testid="lint-summary" role="status">
        {errors + warnings === 0 ? t('lintClean') : t('lintProblems', { errors, warnings })}
      </p>
      {issues.length > 0 && (
        <details className="lint-list">
          <summary>{t('details')}</summary>
          <ul>
            {issues.map((i, n) => (
              <li key={n} className={i.category === 'error' ? 'late-text' : undefined}>
                <button type="button" className="link" onClick={() => select(i.id)}>
                  <code>{i.id}</code>
                </button>{' '}
                {i.message}
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="toolbar" role="group" aria-label={t('zoom')}>
        <button type="button" onClick={() => zoom(1.25)} disabled={!ready}>
          {t('zoomIn')}
        </button>
        <button type="button" onClick={() => zoom(0.8)} disabled={!ready}>
          {t('zoomOut')}
        </button>
        <button type="button" onClick={() => zoom('fit')} disabled={!ready}>
          {t('zoomFit')}
        </button>
      </div>
      <div className="editor">
        <div className="canvas" ref={canvasRef} data-testid="bpmn-canvas" />
        <div className="properties" ref={panelRef} aria-label="properties" />
      </div>
    </Page>
  );
}
