import { useEffect, useState } from 'react';
import { get, upload } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { navigate } from '../router.js';
import { ErrorBox, Field, Page, useAction, useLoad, useMe } from '../components/ui.js';
import { DateInput } from '../components/pickers.js';

const FALLBACK_TYPES = ['CV', 'QĐ', 'TB', 'KH', 'BC', 'TTr'].map((code) => ({ code, name: code }));

/** Clerk registration of a received document: scanned or electronic PDF plus its metadata (Decree 30, art. 22). */
export function NewIncomingPage() {
  const { t } = useI18n();
  const { refreshCounts } = useMe();
  const types = useLoad(
    () => get<{ code: string; name: string }[]>('/api/document-types').catch(() => FALLBACK_TYPES),
    [],
  );
  const [file, setFile] = useState<File>();
  const ocr = useLoad(() => get<{ ocr: boolean }>('/api/digitization/status'), []);
  const [drag, setDrag] = useState(false);
  const [pct, setPct] = useState<number>();
  const [f, setF] = useState({
    senderName: '',
    originalNumber: '',
    originalDate: '',
    typeCode: 'CV',
    subject: '',
    urgency: '',
  });
  const set = (k: keyof typeof f, v: string) => setF((s) => ({ ...s, [k]: v }));
  // Decree 30 appendix VI: warn of the same sender, number and date BEFORE registering (asked as the clerk types).
  const [dups, setDups] = useState<{ id: string; arrivalNumber: number | null; subject: string }[]>([]);
  const [dupReason, setDupReason] = useState('');
  useEffect(() => {
    setDups([]);
    if (f.senderName.trim().length < 2 || !f.originalNumber.trim() || !/^\d{4}-\d{2}-\d{2}$/.test(f.originalDate))
      return;
    const q = new URLSearchParams({
      senderName: f.senderName.trim(),
      originalNumber: f.originalNumber.trim(),
      originalDate: f.originalDate,
    });
    const timer = setTimeout(() => {
      get<typeof dups>(`/api/documents/incoming/duplicates?${q}`).then(setDups, () => setDups([]));
    }, 300);
    return () => clearTimeout(timer);
  }, [f.senderName, f.originalNumber, f.originalDate]);
  const action = useAction();
  const pick = (x?: File) => {
    action.setError(undefined);
    if (!x) return;
    // a paper letter arrives scanned: PDF or an image, made searchable by the server's OCR queue
    if (!/^(application\/pdf|image\/(png|jpeg|tiff))$/.test(x.type) && !/\.(pdf|png|jpe?g|tiff?)$/i.test(x.name))
      return action.setError(new Error(t('digi.errScanOnly')));
    setFile(x);
  };
  return (
    <Page title={t('nav.newIncoming')}>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!file) return action.setError(new Error(t('errRequired', { field: t('pdfFile') })));
          const form = new FormData();
          form.append('file', file);
          if (dups.length && dupReason.trim().length < 3)
            return action.setError(new Error(t('errRequired', { field: t('duplicateReason') })));
          for (const [k, v] of Object.entries(f)) if (v) form.append(k, v);
          if (dups.length) form.append('duplicateReason', dupReason.trim());
          setPct(0);
          const r = await action.run(() => upload<{ id: string }>('/api/documents/incoming', form, setPct));
          if (r) {
            refreshCounts();
            navigate(`/documents/${r.id}`);
          }
        }}
      >
        <div
          className={`dropzone${drag ? ' drag' : ''}`}
          data-testid="dropzone"
          onDragOver={(e) => {
            e.preventDefault();
            setDrag(true);
          }}
          onDragLeave={() => setDrag(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDrag(false);
            pick(e.dataTransfer.files[0]);
          }}
        >
          <label htmlFor="pdf">{file ? `${file.name} (${Math.ceil(file.size / 1024)} KB)` : t('digi.dropScan')}</label>
          <input
            id="pdf"
            type="file"
            accept="application/pdf,.pdf,image/png,image/jpeg,image/tiff,.tif,.tiff"
            onChange={(e) => pick(e.target.files?.[0])}
          />
        </div>
        {ocr.data && <p className="muted">{t(ocr.data.ocr ? 'digi.ocrOn' : 'digi.ocrOff')}</p>}
        {pct !== undefined && (
          <div>
            <progress max={100} value={pct} aria-label={t('uploading', { pct })} />
            <span>{t('uploading', { pct })}</span>
          </div>
        )}
        <Field label={t('senderName')} id="senderName" required>
          <input id="senderName" required value={f.senderName} onChange={(e) => set('senderName', e.target.value)} />
        </Field>
        <div className="row">
          <Field label={t('originalNumber')} id="originalNumber" required>
            <input
              id="originalNumber"
              required
              value={f.originalNumber}
              onChange={(e) => set('originalNumber', e.target.value)}
            />
          </Field>
          <Field label={t('originalDate')} id="originalDate" required>
            <DateInput id="originalDate" required value={f.originalDate} onChange={(v) => set('originalDate', v)} />
          </Field>
          <Field label={t('typeCode')} id="typeCode" required>
            <select id="typeCode" value={f.typeCode} onChange={(e) => set('typeCode', e.target.value)}>
              {(types.data ?? FALLBACK_TYPES).map((x) => (
                <option key={x.code} value={x.code}>
                  {x.name} ({x.code})
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field label={t('subject')} id="subject" required>
          <input id="subject" required value={f.subject} onChange={(e) => set('subject', e.target.value)} />
        </Field>
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
        {dups.length > 0 && (
          <div className="alert error" role="alert" data-testid="duplicate-warning">
            <p>{t('duplicateWarning')}</p>
            <ul>
              {dups.map((d) => (
                <li key={d.id}>
                  <a href={`/documents/${d.id}`} target="_blank" rel="noreferrer">
                    {t('duplicateExisting', { n: d.arrivalNumber ?? '—', subject: d.subject })}
                  </a>
                </li>
              ))}
            </ul>
            <Field label={t('duplicateReason')} id="duplicateReason" required>
              <textarea
                id="duplicateReason"
                required
                maxLength={500}
                value={dupReason}
                onChange={(e) => setDupReason(e.target.value)}
              />
            </Field>
          </div>
        )}
        <ErrorBox error={action.error} />
        <button type="submit" className="primary" disabled={action.busy}>
          {dups.length ? t('duplicateRegisterAnyway') : t('registerIncoming')}
        </button>
      </form>
    </Page>
  );
}
