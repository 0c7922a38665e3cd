import { useState } from 'react';
import { api, get, post } from '../api.js';
import { fmtDateTime } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Field, hasRole, Link, Loading, Notice, Page, useAction, useLoad, useMe } from '../components/ui.js';

interface Timeline {
  recipients: {
    organId: string;
    name: string;
    packages: {
      kind: string;
      reason: string;
      state: string;
      attempts: number;
      lastError: string | null;
      sentAt: string | null;
    }[];
    statuses: { code: string; description: string; at: string; receivedAt: string }[];
  }[];
}

/** The sender's view on its document page: each external recipient's delivery and status timeline. */
export function ExchangeTimeline({ id }: { id: string }) {
  const { t } = useI18n();
  const tl = useLoad(() => get<Timeline>(`/api/exchange/documents/${id}`), [id]);
  const action = useAction();
  if (!tl.data) return <ErrorBox error={tl.error} />;
  if (!tl.data.recipients.length) return null;
  const failed = tl.data.recipients.some((r) => r.packages.some((p) => p.state === 'failed'));
  return (
    <section data-testid="exchange-timeline">
      <h2>{t('exchangeTimeline')}</h2>
      {tl.data.recipients.map((r) => (
        <div key={r.organId}>
          <h3>
            {r.name} <small className="muted">{r.organId}</small>
          </h3>
          <ul>
            {r.packages.map((p, i) => (
              <li key={i}>
                {t(`exchangeKind.${p.kind}`)} —{' '}
                <span className={p.state === 'sent' ? 'ok-text' : 'late-text'}>{t(`exchangeState.${p.state}`)}</span>
                {p.sentAt ? ` ${fmtDateTime(p.sentAt)}` : ''}
                {p.lastError && (
                  <>
                    <br />
                    <small className="late-text">
                      {t('exchangeAttempts', { n: p.attempts })}: {p.lastError}
                    </small>
                  </>
                )}
              </li>
            ))}
          </ul>
          <ol className="history">
            {r.statuses.map((s, i) => (
              <li key={i}>
                <span className="muted">{fmtDateTime(s.at || s.receivedAt)}</span> {s.code} —{' '}
                {t(`exchangeStatus.${s.code}`)}
                {s.description ? `: ${s.description}` : ''}
              </li>
            ))}
          </ol>
        </div>
      ))}
      {failed && (
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            action.run(() => post(`/api/exchange/documents/${id}/retry`), t('exchangeDone')).then(tl.reload)
          }
        >
          {t('exchangeRetry')}
        </button>
      )}
      <Notice>{action.done}</Notice>
      <ErrorBox error={action.error} />
    </section>
  );
}

/** Clerks: what came through the exchange (return, agree / refuse requests); province administrators: the directory. */
export function ExchangePage() {
  const { t } = useI18n();
  const { me } = useMe();
  return (
    <Page title={t('exchangeTitle')}>
      {hasRole(me, 'clerk') && <Received />}
      {me.permissions.includes('organizations.manage') && <Directory />}
    </Page>
  );
}

function Received() {
  const { t } = useI18n();
  const list = useLoad(() => get<any[]>('/api/exchange/received'), []);
  const [reason, setReason] = useState('');
  const action = useAction();
  const act = (path: string, body: unknown) => action.run(() => post(path, body), t('exchangeDone')).then(list.reload);
  if (list.loading && !list.data) return <Loading />;
  return (
    <section>
      <h2>{t('exchangeReceived')}</h2>
      <ErrorBox error={list.error} />
      {list.data?.length === 0 && <p className="muted">{t('exchangeNoReceived')}</p>}
      <Field label={t('exchangeReturnReason')} id="exchange-reason">
        <input id="exchange-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
      </Field>
      <table>
        <tbody>
          {(list.data ?? []).map((r) => (
            <tr key={r.id}>
              <td>{fmtDateTime(r.receivedAt)}</td>
              <td>
                {r.sender.name} <small className="muted">{r.sender.organId}</small>
              </td>
              <td>
                {t(`exchangeKind.${r.kind}`)}
                {r.reason ? `: ${r.reason}` : ''}
              </td>
              <td>
                {r.documentId ? (
                  <Link to={`/documents/${r.documentId}`}>{r.document?.notation ?? r.remoteDocumentId}</Link>
                ) : (
                  '—'
                )}
              </td>
              <td>{r.document?.subject ?? ''}</td>
              <td>
                {(r.signatures ?? []).map((s: any, i: number) => (
                  <div
                    key={i}
                    className={s.integrity && s.signatureValid ? (s.trusted ? 'ok-text' : 'muted') : 'late-text'}
                  >
                    {s.signer} — {s.trusted ? t('exchangeTrusted') : t('exchangeUntrusted')}
                  </div>
                ))}
              </td>
              <td>{t(`exchangeState.${r.state}`)}</td>
              <td>
                {r.kind === 'new' && r.state === 'received' && (
                  <button
                    type="button"
                    disabled={action.busy || !reason}
                    onClick={() => act(`/api/exchange/received/${r.id}/return`, { reason })}
                  >
                    {t('exchangeReturn')}
                  </button>
                )}
                {r.state === 'pending' && (
                  <>
                    <button
                      type="button"
                      disabled={action.busy}
                      onClick={() =>
                        act(`/api/exchange/received/${r.id}/decision`, { decision: 'agree', note: reason })
                      }
                    >
                      {t('exchangeAgree')}
                    </button>{' '}
                    <button
                      type="button"
                      disabled={action.busy}
                      onClick={() =>
                        act(`/api/exchange/received/${r.id}/decision`, { decision: 'refuse', note: reason })
                      }
                    >
                      {t('exchangeRefuse')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Notice>{action.done}</Notice>
      <ErrorBox error={action.error} />
    </section>
  );
}

function Directory() {
  const { t } = useI18n();
  const peers = useLoad(() => get<any[]>('/api/exchange/peers'), []);
  const [form, setForm] = useState({ organId: '', name: '', adapter: 'direct', endpointUrl: '', publicKey: '' });
  const action = useAction();
  // an agency's own administrator does not edit the installation's directory (403): nothing to show then
  if (peers.error && (peers.error as { status?: number }).status === 403) return null;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <section>
      <h2>{t('exchangeDirectory')}</h2>
      <ErrorBox error={peers.error} />
      <table>
        <tbody>
          {(peers.data ?? []).map((p) => (
            <tr key={p.id}>
              <td>{p.organId}</td>
              <td>{p.name}</td>
              <td>{p.adapter}</td>
              <td>{p.endpointUrl}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          const body = { ...form, endpointUrl: form.endpointUrl || undefined, publicKey: form.publicKey || undefined };
          if (await action.run(() => post('/api/exchange/peers', body), t('exchangeDone'))) peers.reload();
        }}
      >
        <h3>{t('exchangeAddPeer')}</h3>
        <Field label="OrganId" id="peer-organ" required>
          <input id="peer-organ" value={form.organId} onChange={set('organId')} placeholder="000.00.00.G22" />
        </Field>
        <Field label={t('name')} id="peer-name" required>
          <input id="peer-name" value={form.name} onChange={set('name')} />
        </Field>
        <Field label={t('exchangeAdapter')} id="peer-adapter">
          <select id="peer-adapter" value={form.adapter} onChange={set('adapter')}>
            <option value="direct">direct (hoso)</option>
            <option value="vxp">vxp (Trục liên thông quốc gia)</option>
          </select>
        </Field>
        <Field label={t('exchangeEndpoint')} id="peer-url">
          <input id="peer-url" value={form.endpointUrl} onChange={set('endpointUrl')} />
        </Field>
        <Field label={t('exchangePublicKey')} id="peer-key">
          <textarea id="peer-key" value={form.publicKey} onChange={set('publicKey')} rows={4} />
        </Field>
        <button type="submit" disabled={action.busy}>
          {t('save')}
        </button>
      </form>
      <Field label={t('exchangeImport')} id="peer-csv">
        <input
          id="peer-csv"
          type="file"
          accept=".csv,text/csv"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            const r = await action.run(() =>
              api('POST', '/api/exchange/peers/import', undefined, { type: 'text/csv', data: file }),
            );
            if (r) peers.reload();
          }}
        />
      </Field>
      <Notice>{action.done}</Notice>
      <ErrorBox error={action.error} />
    </section>
  );
}
