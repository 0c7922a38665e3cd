import { useState } from 'react';
import { api, session } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Notice, Page, PasswordField, useAction, useMe } from '../components/ui.js';

/** The signed-in user's own account: who they are here, and a new password (e.g. after an administrator's reset). */
export function AccountPage() {
  const { t } = useI18n();
  const { me } = useMe();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const action = useAction();
  const mismatch = again.length > 0 && again !== next;
  return (
    <Page title={t('accountTitle')}>
      <dl className="facts">
        <dt>{t('fullName')}</dt>
        <dd>{me.fullName}</dd>
        <dt>{t('username')}</dt>
        <dd>
          <code>{me.username}</code>
        </dd>
        {me.title && (
          <>
            <dt>{t('jobTitle')}</dt>
            <dd>{me.title}</dd>
          </>
        )}
        <dt>{t('rolesLabel')}</dt>
        <dd>{me.roles.map((r) => t(`role.${r}`)).join(', ')}</dd>
      </dl>
      <Notice>{action.done}</Notice>
      <ErrorBox error={action.error} />
      <form
        aria-labelledby="password-h"
        onSubmit={async (e) => {
          e.preventDefault();
          if (mismatch) return;
          // the change ends every session, this one included: sign in again with the new password, and let a
          // background request refused in between (the inbox counter) not sign this tab out
          const onUnauthorized = session.onUnauthorized;
          session.onUnauthorized = () => undefined;
          const ok = await action
            .run(async () => {
              await api('POST', '/api/auth/password', { currentPassword: current, newPassword: next });
              const r = await api<{ accessToken: string }>('POST', '/api/auth/login', {
                username: me.username,
                password: next,
              });
              session.token = r.accessToken;
              return true;
            }, t('passwordChanged'))
            .finally(() => (session.onUnauthorized = onUnauthorized));
          if (ok) {
            setCurrent('');
            setNext('');
            setAgain('');
          }
        }}
      >
        <h2 id="password-h">{t('changePassword')}</h2>
        <PasswordField
          id="current-password"
          label={t('currentPassword')}
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
        />
        <PasswordField
          id="next-password"
          label={t('newPassword')}
          autoComplete="new-password"
          value={next}
          onChange={setNext}
        />
        <PasswordField
          id="again-password"
          label={t('repeatPassword')}
          autoComplete="new-password"
          value={again}
          onChange={setAgain}
          error={mismatch ? t('passwordsDiffer') : undefined}
        />
        <button type="submit" className="primary" disabled={action.busy || mismatch}>
          {t('changePassword')}
        </button>
      </form>
    </Page>
  );
}
