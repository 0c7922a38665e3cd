import { useState } from 'react';
import { get, post } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { navigate } from '../router.js';
import { ErrorBox, Field, Page, useAction, useLoad, useMe } from '../components/ui.js';
import { DossierPicker, UserPicker, UsersPicker } from '../components/pickers.js';

/** Used only when GET /api/document-types is not available: the types of Decree 30, art. 7 most drafts use. */
const FALLBACK_TYPES = [
  { code: 'CV', name: 'Công văn' },
  { code: 'QĐ', name: 'Quyết định' },
  { code: 'TB', name: 'Thông báo' },
  { code: 'KH', name: 'Kế hoạch' },
  { code: 'BC', name: 'Báo cáo' },
  { code: 'TTr', name: 'Tờ trình' },
];

interface AgencyNode {
  id: string;
  name: string;
  children?: AgencyNode[];
}
const flatten = (list: AgencyNode[], depth = 0): { id: string; name: string; depth: number }[] =>
  list.flatMap((a) => [{ id: a.id, name: a.name, depth }, ...flatten(a.children ?? [], depth + 1)]);

export function NewOutgoingPage() {
  const { t } = useI18n();
  const { me, refreshCounts } = useMe();
  const types = useLoad(
    () => get<{ code: string; name: string }[]>('/api/document-types').catch(() => FALLBACK_TYPES),
    [],
  );
  const agencies = useLoad(() => get<AgencyNode[]>('/api/agencies'), []);
  const [f, setF] = useState({
    typeCode: 'CV',
    subject: '',
    body: '',
    signerId: '',
    consulteeIds: [] as string[],
    recipientAgencyIds: [] as string[],
    dossierId: '',
    urgency: '',
    secrecy: '',
  });
  const set = (k: keyof typeof f, v: unknown) => setF((s) => ({ ...s, [k]: v }));
  const action = useAction();
  return (
    <Page title={t('nav.newOutgoing')}>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          const body: Record<string, unknown> = { typeCode: f.typeCode, subject: f.subject, signerId: f.signerId };
          if (f.body) body.body = f.body;
          if (f.consulteeIds.length) body.consulteeIds = f.consulteeIds;
          if (f.recipientAgencyIds.length) body.recipientAgencyIds = f.recipientAgencyIds;
          if (f.dossierId) body.dossierId = f.dossierId;
          if (f.urgency) body.urgency = f.urgency;
          if (f.secrecy) body.secrecy = f.secrecy;
          const r = await action.run(() => post<{ id: string }>('/api/documents/outgoing', body));
          if (r) {
            refreshCounts();
            navigate(`/documents/${r.id}`);
          }
        }}
      >
        <Field label={t('typeCode')} id="typeCode" required>
          <select id="typeCode" value={f.typeCode} onChange={(e) => set('typeCode', e.target.value)}>
            {(types.data ?? FALLBACK_TYPES).map((x) => (
              <option key={x.code} value={x.code}>
                {x.name} ({x.code})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('subject')} id="subject" required>
          <input id="subject" required value={f.subject} onChange={(e) => set('subject', e.target.value)} />
        </Field>
        <Field label={t('body')} id="body">
          <textarea id="body" rows={8} value={f.body} onChange={(e) => set('body', e.target.value)} />
        </Field>
        <Field label={t('signer')} id="signerId" required>
          <UserPicker
            id="signerId"
            required
            value={f.signerId}
            onChange={(v) => set('signerId', v)}
            role="leader,deputy-leader"
          />
        </Field>
        <Field label={t('consultees')} id="consulteeIds">
          <UsersPicker id="consulteeIds" value={f.consulteeIds} onChange={(v) => set('consulteeIds', v)} />
        </Field>
        <Field label={t('recipients')} id="recipientAgencyIds">
          <select
            id="recipientAgencyIds"
            multiple
            size={5}
            value={f.recipientAgencyIds}
            onChange={(e) =>
              set(
                'recipientAgencyIds',
                [...e.target.selectedOptions].map((o) => o.value),
              )
            }
          >
            {flatten(agencies.data ?? [])
              .filter((a) => a.id !== me.agencyId)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {'\u00a0'.repeat(a.depth * 3)}
                  {a.name}
                </option>
              ))}
          </select>
        </Field>
        <Field label={t('dossier')} id="dossierId">
          <DossierPicker id="dossierId" value={f.dossierId} onChange={(v) => set('dossierId', v)} />
        </Field>
        <div className="row">
          <Field label={t('urgency')} id="urgency">
            <select id="urgency" value={f.urgency} onChange={(e) => set('urgency', e.target.value)}>
              <option value="">{t('urgency.normal')}</option>
              {['urgent', 'top-urgent', 'flash'].map((u) => (
                <option key={u} value={u}>
                  {t(`urgency.${u}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('secrecy')} id="secrecy">
            <select id="secrecy" value={f.secrecy} onChange={(e) => set('secrecy', e.target.value)}>
              <option value="">—</option>
              {['confidential', 'secret', 'top-secret'].map((u) => (
                <option key={u} value={u}>
                  {t(`secrecy.${u}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <ErrorBox error={action.error} />
        <button type="submit" className="primary" disabled={action.busy}>
          {t('createDraft')}
        </button>
      </form>
    </Page>
  );
}
