import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Field, PasswordField, useAction, type Me } from '../components/ui.js';

export function LoginPage({ onLogin }: { onLogin: (token: string, me: Me) => void }) {
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  return (
    <main className="login" id="main">
      <form
        className="card"
        onSubmit={async (e) => {
          e.preventDefault();
          await run(async () => {
            const r = await api<{ accessToken: string }>('POST', '/api/auth/login', { username, password });
            // /me carries permissions as well as roles; the token must be stored before asking for it.
            sessionStorage.setItem('hoso.token', r.accessToken);
            const me = await api<Me>('GET', '/api/auth/me');
            onLogin(r.accessToken, me);
          });
        }}
      >
        <h1>
          hoso <small className="muted">{t('appTitle')}</small>
        </h1>
        <h2>{t('loginTitle')}</h2>
        <Field label={t('username')} id="username" required>
          <input
            id="username"
            name="username"
            autoComplete="username"
            required
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <PasswordField
          id="password"
          name="password"
          label={t('password')}
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn')}
        </button>
        <p className="muted">{t('loginHint')}</p>
        <button type="button" className="link" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
          {t('switchLanguage')}
        </button>
      </form>
    </main>
  );
}
