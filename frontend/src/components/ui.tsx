import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { navigate } from '../router.js';

export interface Me {
  id: string;
  username: string;
  fullName: string;
  title?: string;
  agencyId: string;
  unitId?: string | null;
  roles: string[];
  permissions: string[];
}

export const MeContext = createContext<{ me: Me; refreshCounts: () => void }>({
  me: { id: '', username: '', fullName: '', agencyId: '', roles: [], permissions: [] },
  refreshCounts: () => undefined,
});
export const useMe = () => useContext(MeContext);
export const hasRole = (me: Me, ...roles: string[]) => roles.some((r) => me.roles.includes(r));

export function Link(props: { to: string; children: ReactNode; className?: string; ariaCurrent?: boolean }) {
  return (
    <a
      href={props.to}
      className={props.className}
      aria-current={props.ariaCurrent ? 'page' : undefined}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

/** Shows an API error's message (already localised by the server) and, for network failures, a retry. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  const e = error instanceof ApiError ? error : new ApiError(0, 'CLIENT', String((error as Error)?.message ?? error));
  const list: { message: string; elementId?: string; field?: string }[] = Array.isArray(e.body.errors)
    ? e.body.errors
    : Array.isArray(e.body.reasons)
      ? e.body.reasons
      : [];
  return (
    <div className="alert error" role="alert">
      <p>{e.message}</p>
      {list.length > 0 && (
        <ul>
          {list.map((x, i) => (
            <li key={i}>
              {x.elementId || x.field ? <code>{x.elementId ?? x.field}</code> : null}{' '}
              {x.message ?? (x as any).constraints?.join(', ')}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return children ? (
    <div className="alert ok" role="status">
      {children}
    </div>
  ) : null;
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" aria-busy="true">
      {t('loading')}
    </p>
  );
}

/** Loads data for a screen; `reload` re-runs it. Errors are kept for <ErrorBox>. */
export function useLoad<T>(
  fn: () => Promise<T>,
  deps: unknown[],
): { data?: T; error?: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let alive = true;
    setState((s) => ({ ...s, loading: true }));
    fn().then(
      (data) => alive && setState({ data, loading: false }),
      (error) => alive && setState({ error, loading: false }),
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { ...state, reload };
}

/** Runs a user action: busy flag, error, success message. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const run = useCallback(async <T,>(fn: () => Promise<T>, okMessage?: string): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const r = await fn();
      if (okMessage) setDone(okMessage);
      return r;
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, done, run, setError };
}

export function Field(props: { label: string; id: string; children: ReactNode; hint?: string; required?: boolean }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {props.children}
      {props.hint && <small className="muted">{props.hint}</small>}
    </div>
  );
}

/**
 * A required password field. `autoComplete` tells the browser's password manager which one it is; a new password
 * needs at least 10 characters (the server's rule); `error` is shown under it and marks it invalid.
 */
export function PasswordField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  autoComplete: 'current-password' | 'new-password';
  name?: string;
  error?: string;
}) {
  const errorId = `${props.id}-error`;
  return (
    <Field label={props.label} id={props.id} required>
      <input
        id={props.id}
        name={props.name}
        type="password"
        required
        minLength={props.autoComplete === 'new-password' ? 10 : undefined}
        autoComplete={props.autoComplete}
        aria-invalid={!!props.error}
        aria-describedby={props.error ? errorId : undefined}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error && (
        <p id={errorId} className="late-text" role="alert">
          {props.error}
        </p>
      )}
    </Field>
  );
}

export function Page(props: { title: string; children: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${props.title} — hoso`;
  }, [props.title]);
  return (
    <section className="page">
      <header className="page-head">
        <h1 tabIndex={-1} id="page-title">
          {props.title}
        </h1>
        {props.actions && <div className="page-actions">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  );
}

export function UrgencyBadge({ urgency }: { urgency?: string | null }) {
  const { t } = useI18n();
  if (!urgency || urgency === 'normal') return null;
  return <span className={`badge urgency-${urgency}`}>{t(`urgency.${urgency}`)}</span>;
}
