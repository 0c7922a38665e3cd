import { useState } from 'react';
import { upload } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { DateInput, DossierPicker, UnitPicker, UserPicker, UsersPicker } from './pickers.js';

export interface FormField {
  key: string;
  label: string;
  type:
    | 'text'
    | 'textarea'
    | 'number'
    | 'date'
    | 'boolean'
    | 'select'
    | 'user'
    | 'users'
    | 'unit'
    | 'dossier'
    | 'file'
    | 'pin';
  required?: boolean;
  options?: (string | { value: string; label: string })[];
}

const optionOf = (o: string | { value: string; label: string }) => (typeof o === 'string' ? { value: o, label: o } : o);

/** Renders a task's form definition (api.md "Task forms") and returns typed variables on submit. */
export function TaskForm(props: {
  taskId: string;
  fields: FormField[];
  busy: boolean;
  onSubmit: (vars: Record<string, unknown>) => void;
}) {
  const { t } = useI18n();
  const [values, setValues] = useState<Record<string, unknown>>(() =>
    Object.fromEntries(props.fields.map((f) => [f.key, f.type === 'boolean' ? false : f.type === 'users' ? [] : ''])),
  );
  const [uploadPct, setUploadPct] = useState<Record<string, number>>({});
  const [uploadError, setUploadError] = useState<string>();
  const set = (k: string, v: unknown) => setValues((s) => ({ ...s, [k]: v }));

  const submit = () => {
    const out: Record<string, unknown> = {};
    for (const f of props.fields) {
      const v = values[f.key];
      if (v === '' || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      out[f.key] = f.type === 'number' ? Number(v) : v;
    }
    props.onSubmit(out);
  };

  const input = (f: FormField) => {
    const id = `f-${f.key}`;
    const v = values[f.key];
    const common = { id, name: f.key, required: f.required };
    switch (f.type) {
      case 'textarea':
        return <textarea {...common} rows={4} value={String(v ?? '')} onChange={(e) => set(f.key, e.target.value)} />;
      case 'number':
        return <input {...common} type="number" value={String(v ?? '')} onChange={(e) => set(f.key, e.target.value)} />;
      case 'date':
        return <DateInput id={id} required={f.required} value={String(v ?? '')} onChange={(x) => set(f.key, x)} />;
      case 'boolean':
        return (
          <input id={id} name={f.key} type="checkbox" checked={!!v} onChange={(e) => set(f.key, e.target.checked)} />
        );
      case 'select': {
        const opts = (f.options ?? []).map(optionOf);
        // A short choice (a decision) reads better as radio buttons: one click, all choices visible.
        if (opts.length <= 4)
          return (
            <div className="radios" role="radiogroup" aria-labelledby={`${id}-label`}>
              {opts.map((o) => (
                <label key={o.value}>
                  <input
                    type="radio"
                    name={f.key}
                    value={o.value}
                    required={f.required}
                    checked={v === o.value}
                    onChange={() => set(f.key, o.value)}
                  />{' '}
                  {o.label}
                </label>
              ))}
            </div>
          );
        return (
          <select {...common} value={String(v ?? '')} onChange={(e) => set(f.key, e.target.value)}>
            <option value="">{t('chooseOption')}</option>
            {opts.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        );
      }
      case 'user':
        return <UserPicker id={id} required={f.required} value={String(v ?? '')} onChange={(x) => set(f.key, x)} />;
      case 'users':
        return (
          <UsersPicker id={id} required={f.required} value={(v as string[]) ?? []} onChange={(x) => set(f.key, x)} />
        );
      case 'unit':
        return <UnitPicker id={id} required={f.required} value={String(v ?? '')} onChange={(x) => set(f.key, x)} />;
      case 'dossier':
        return <DossierPicker id={id} required={f.required} value={String(v ?? '')} onChange={(x) => set(f.key, x)} />;
      case 'pin':
        return (
          <input
            {...common}
            type="password"
            inputMode="numeric"
            autoComplete="off"
            placeholder={t('pinPrompt')}
            value={String(v ?? '')}
            onChange={(e) => set(f.key, e.target.value)}
          />
        );
      case 'file':
        return (
          <>
            <input
              id={id}
              name={f.key}
              type="file"
              required={f.required && !v}
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                const form = new FormData();
                form.append('file', file);
                setUploadError(undefined);
                try {
                  const r = await upload<{ id: string }>(`/api/tasks/${props.taskId}/attachments`, form, (p) =>
                    setUploadPct((s) => ({ ...s, [f.key]: p })),
                  );
                  set(f.key, r.id);
                } catch (err) {
                  setUploadError((err as Error).message);
                }
              }}
            />
            {uploadPct[f.key] !== undefined && <progress max={100} value={uploadPct[f.key]} />}
          </>
        );
      default:
        return <input {...common} value={String(v ?? '')} onChange={(e) => set(f.key, e.target.value)} />;
    }
  };

  return (
    <form
      className="task-form"
      data-testid="task-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {props.fields.map((f) => (
        <div className={`field field-${f.type}`} key={f.key}>
          <label htmlFor={`f-${f.key}`} id={`f-${f.key}-label`}>
            {f.label}
            {f.required ? <span aria-hidden="true"> *</span> : null}
          </label>
          {input(f)}
        </div>
      ))}
      {uploadError && (
        <p className="alert error" role="alert">
          {uploadError}
        </p>
      )}
      <button type="submit" className="primary" disabled={props.busy}>
        {t('complete')}
      </button>
    </form>
  );
}
