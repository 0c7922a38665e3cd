import { useState } from 'react';
import { get, post } from '../api.js';
import { FileLink } from '../components/file-link.js';
import { fmtDate } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Field, useAction, useLoad, useMe } from '../components/ui.js';

interface Copy {
  id: string;
  form: string;
  notation: string;
  pages: string | null;
  recipients: string;
  createdAt: string;
}

/**
 * Electronic copies of a registered document (Decree 30, art. 25–27): the list, and for the agency's clerks the
 * form that makes a sao y, sao lục or trích sao signed with the agency's key and numbered in the copies register.
 */
export function CopiesPanel({ id, registered, onDone }: { id: string; registered: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const { me } = useMe();
  const copies = useLoad(() => get<Copy[]>(`/api/documents/${id}/copies`), [id]);
  const [form, setForm] = useState('sao-y');
  const [pages, setPages] = useState('');
  const [recipients, setRecipients] = useState('');
  const action = useAction();
  const canCopy = registered && !!me?.permissions.includes('documents.issue');
  if (!canCopy && !copies.data?.length) return null;
  return (
    <section>
      <h2>{t('copiesTitle')}</h2>
      <ErrorBox error={copies.error} />
      <ul data-testid="copies">
        {(copies.data ?? []).map((c) => (
          <li key={c.id}>
            <FileLink path={`/api/document-copies/${c.id}/pdf`} newTab>
              {t(`copyForm.${c.form}`)} {t('copyNumber')} {c.notation}
            </FileLink>{' '}
            — {fmtDate(c.createdAt)}
            {c.pages ? ` — ${t('copyPages')} ${c.pages}` : ''}
          </li>
        ))}
      </ul>
      {canCopy && (
        <form
          className="form"
          onSubmit={async (e) => {
            e.preventDefault();
            const body = { form, ...(pages ? { pages } : {}), ...(recipients ? { recipients } : {}) };
            const r = await action.run(() => post<Copy>(`/api/documents/${id}/copies`, body));
            if (r) {
              setPages('');
              copies.reload();
              onDone();
            }
          }}
        >
          <div className="row">
            <Field label={t('copyFormLabel')} id="copyForm" required>
              <select id="copyForm" value={form} onChange={(e) => setForm(e.target.value)}>
                {['sao-y', 'sao-luc', 'trich-sao'].map((f) => (
                  <option key={f} value={f}>
                    {t(`copyForm.${f}`)}
                  </option>
                ))}
              </select>
            </Field>
            {form === 'trich-sao' && (
              <Field label={t('copyPages')} id="copyPages" required hint="1-2,4">
                <input id="copyPages" required value={pages} onChange={(e) => setPages(e.target.value)} />
              </Field>
            )}
          </div>
          <Field label={t('copyRecipients')} id="copyRecipients">
            <input
              id="copyRecipients"
              maxLength={500}
              value={recipients}
              onChange={(e) => setRecipients(e.target.value)}
            />
          </Field>
          <ErrorBox error={action.error} />
          <button type="submit" className="primary" disabled={action.busy}>
            {t('copyMake')}
          </button>
        </form>
      )}
    </section>
  );
}
