import { useState } from 'react';
import { get } from '../api.js';
import { fmtDateTime } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Field, Loading, Page, useAction, useLoad } from '../components/ui.js';

interface AuditEntry {
  id: number;
  occurredAt: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  hash: string;
  /** About a secret record the viewer may not read: no id, no data. */
  redacted?: boolean;
}
interface Verify {
  ok: boolean;
  checked: number;
  chains: number;
  firstBroken?: { id: number; chain: string; reason: string };
}

/** The append-only, hash-chained audit log (administrators): recent entries, by object, and the chain check. */
export function AuditPage() {
  const { t } = useI18n();
  const [entityId, setEntityId] = useState('');
  const entries = useLoad(
    () => get<AuditEntry[]>(`/api/audit?limit=200${entityId ? `&entityId=${encodeURIComponent(entityId)}` : ''}`),
    [entityId],
  );
  const users = useLoad(() => get<{ id: string; fullName: string }[]>('/api/users'), []);
  const names = new Map((users.data ?? []).map((u) => [u.id, u.fullName]));
  const [report, setReport] = useState<Verify>();
  const action = useAction();
  return (
    <Page
      title={t('auditTitle')}
      actions={
        <button
          type="button"
          className="primary"
          disabled={action.busy}
          onClick={async () => setReport(await action.run(() => get<Verify>('/api/audit/verify')))}
        >
          {t('verifyAudit')}
        </button>
      }
    >
      <ErrorBox error={action.error} />
      {report && (
        <p role="status" data-testid="audit-verify" className={report.ok ? 'ok-text' : 'late-text'}>
          <strong>
            {report.ok
              ? t('auditIntact', { n: report.checked, chains: report.chains })
              : t('auditBroken', { id: report.firstBroken?.id ?? '?', reason: report.firstBroken?.reason ?? '' })}
          </strong>
        </p>
      )}
      <Field label={t('auditEntity')} id="audit-entity">
        <input
          id="audit-entity"
          type="search"
          value={entityId}
          placeholder="00000000-0000-0000-0000-000000000000"
          onChange={(e) => setEntityId(e.target.value.trim())}
        />
      </Field>
      <ErrorBox error={entries.error} onRetry={entries.reload} />
      {entries.loading && !entries.data && <Loading />}
      <table data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('auditWhen')}</th>
            <th scope="col">{t('auditWho')}</th>
            <th scope="col">{t('auditAction')}</th>
            <th scope="col">{t('auditObject')}</th>
            <th scope="col">{t('auditHash')}</th>
          </tr>
        </thead>
        <tbody>
          {(entries.data ?? []).map((e) => (
            <tr key={e.id}>
              <td>{e.id}</td>
              <td>{fmtDateTime(e.occurredAt)}</td>
              <td>{e.actorId ? (names.get(e.actorId) ?? e.actorId.slice(0, 8)) : t('auditSystem')}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                {e.entityType}
                {e.redacted && ` — ${t('auditRedacted')}`}
                {e.entityId && (
                  <>
                    {' '}
                    <button type="button" className="link" onClick={() => setEntityId(e.entityId!)}>
                      <code>{e.entityId.slice(0, 8)}</code>
                    </button>
                  </>
                )}
              </td>
              <td>
                <code title={e.hash}>{e.hash.slice(0, 12)}…</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
