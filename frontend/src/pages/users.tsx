import { useEffect, useState } from 'react';
import { api, get, post } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Field, Loading, Notice, Page, PasswordField, useAction, useLoad, useMe } from '../components/ui.js';

const ROLES = ['staff', 'unit-head', 'clerk', 'archivist', 'deputy-leader', 'leader', 'process-admin', 'admin'];
/** Roles held within a unit: granted for the user's own unit. */
const UNIT_ROLES = new Set(['staff', 'unit-head']);

interface Agency {
  id: string;
  name: string;
  children?: Agency[];
}
interface Unit {
  id: string;
  name: string;
  abbreviation: string;
}
interface User {
  id: string;
  username: string;
  fullName: string;
  title: string;
  email: string | null;
  agencyId: string;
  unitId: string | null;
  active: boolean;
  roles: string[];
  grants: { role: string; unitId: string | null; includeDescendants: boolean }[];
}
interface Form {
  username: string;
  fullName: string;
  title: string;
  email: string;
  unitId: string;
  roles: string[];
  password: string;
  active: boolean;
}

const EMPTY: Form = {
  username: '',
  fullName: '',
  title: '',
  email: '',
  unitId: '',
  roles: [],
  password: '',
  active: true,
};

const flatten = (list: Agency[], depth = 0): { id: string; label: string }[] =>
  list.flatMap((a) => [
    { id: a.id, label: `${'\u00a0\u00a0'.repeat(depth)}${a.name}` },
    ...flatten(a.children ?? [], depth + 1),
  ]);

/** Users of an agency and their roles (administrators): add, edit, lock, reset a lost password. */
export function UsersPage() {
  const { t } = useI18n();
  const { me } = useMe();
  const [agencyId, setAgencyId] = useState(me.agencyId);
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const [editing, setEditing] = useState<User | null>(null);
  const [f, setF] = useState<Form>(EMPTY);
  const [newPassword, setNewPassword] = useState('');
  const [unitForm, setUnitForm] = useState({ abbreviation: '', name: '' });
  const agencies = useLoad(() => get<Agency[]>('/api/agencies'), []);
  const units = useLoad(() => get<Unit[]>(`/api/agencies/${agencyId}/units`), [agencyId]);
  const users = useLoad(
    () =>
      get<User[]>(
        `/api/users?${new URLSearchParams({ agencyId, ...(q ? { q } : {}), ...(role ? { role } : {}) }).toString()}`,
      ),
    [agencyId, q, role],
  );
  const action = useAction();
  useEffect(() => {
    setEditing(null);
    setF(EMPTY);
  }, [agencyId]);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((x) => ({ ...x, [k]: v }));
  const unitName = (id: string | null) => (units.data ?? []).find((u) => u.id === id)?.abbreviation ?? '';
  // a unit role is for the user's unit (as it is now: a user moved to another unit takes it along); another role
  // kept from before keeps its scope (a tree-wide admin stays tree-wide)
  const grants = () =>
    f.roles.map((r) =>
      UNIT_ROLES.has(r)
        ? { role: r, ...(f.unitId ? { unitId: f.unitId } : {}) }
        : (editing?.grants.find((g) => g.role === r) ?? { role: r }),
    );
  const edit = (u: User) => {
    setEditing(u);
    setNewPassword('');
    setF({
      username: u.username,
      fullName: u.fullName,
      title: u.title ?? '',
      email: u.email ?? '',
      unitId: u.unitId ?? '',
      roles: [...u.roles],
      password: '',
      active: u.active,
    });
  };
  const list = users.data ?? [];
  return (
    <Page title={t('usersTitle')}>
      <Notice>{action.done}</Notice>
      <ErrorBox error={action.error} />
      <div className="filters">
        <Field label={t('agencyLabel')} id="user-agency">
          <select id="user-agency" value={agencyId} onChange={(e) => setAgencyId(e.target.value)}>
            {flatten(agencies.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('search')} id="user-q">
          <input id="user-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </Field>
        <Field label={t('rolesLabel')} id="user-role">
          <select id="user-role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">{t('allRoles')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorBox error={users.error} onRetry={users.reload} />
      {users.loading && !users.data && <Loading />}
      <p className="muted">{t('usersCount', { n: list.length })}</p>
      <table data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">{t('fullName')}</th>
            <th scope="col">{t('username')}</th>
            <th scope="col">{t('jobTitle')}</th>
            <th scope="col">{t('unit')}</th>
            <th scope="col">{t('rolesLabel')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((u) => (
            <tr key={u.id} className={u.active ? undefined : 'muted'}>
              <td>{u.fullName}</td>
              <td>
                <code>{u.username}</code>
              </td>
              <td>{u.title}</td>
              <td>{unitName(u.unitId)}</td>
              <td>{u.roles.map((r) => t(`role.${r}`)).join(', ')}</td>
              <td>{u.active ? t('userActive') : t('userInactive')}</td>
              <td>
                <button type="button" onClick={() => edit(u)} aria-label={`${t('editAction')} ${u.username}`}>
                  {t('editAction')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <form
        aria-labelledby="user-form-h"
        onSubmit={async (e) => {
          e.preventDefault();
          const common = {
            fullName: f.fullName,
            title: f.title,
            ...(f.email ? { email: f.email } : {}),
            ...(f.unitId ? { unitId: f.unitId } : {}),
            roles: grants(),
          };
          const ok = editing
            ? await action.run(
                () => api('PATCH', `/api/users/${editing.id}`, { ...common, active: f.active }),
                t('userSaved'),
              )
            : await action.run(
                () => post('/api/users', { ...common, username: f.username, agencyId, password: f.password }),
                t('userCreated'),
              );
          if (ok) {
            setEditing(null);
            setF(EMPTY);
            users.reload();
          }
        }}
      >
        <h2 id="user-form-h">{editing ? t('editUser', { name: editing.fullName }) : t('addUser')}</h2>
        {!editing && (
          <Field label={t('username')} id="new-username" required>
            <input
              id="new-username"
              required
              autoComplete="off"
              pattern="[a-z0-9][a-z0-9._\-]{1,63}"
              value={f.username}
              onChange={(e) => set('username', e.target.value.trim().toLowerCase())}
            />
          </Field>
        )}
        <Field label={t('fullName')} id="new-fullName" required>
          <input id="new-fullName" required value={f.fullName} onChange={(e) => set('fullName', e.target.value)} />
        </Field>
        <Field label={t('jobTitle')} id="new-title">
          <input id="new-title" value={f.title} onChange={(e) => set('title', e.target.value)} />
        </Field>
        <Field label={t('emailLabel')} id="new-email">
          <input id="new-email" type="email" value={f.email} onChange={(e) => set('email', e.target.value)} />
        </Field>
        <Field label={t('unit')} id="new-unit">
          <select id="new-unit" value={f.unitId} onChange={(e) => set('unitId', e.target.value)}>
            <option value="">{t('noUnit')}</option>
            {(units.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.abbreviation} — {u.name}
              </option>
            ))}
          </select>
        </Field>
        <fieldset>
          <legend>{t('rolesLabel')}</legend>
          {ROLES.map((r) => (
            <label key={r} className="check">
              <input
                type="checkbox"
                name="role"
                value={r}
                checked={f.roles.includes(r)}
                onChange={(e) => set('roles', e.target.checked ? [...f.roles, r] : f.roles.filter((x) => x !== r))}
              />{' '}
              {t(`role.${r}`)}
            </label>
          ))}
        </fieldset>
        {!editing && (
          <PasswordField
            id="new-password"
            label={t('initialPassword')}
            autoComplete="new-password"
            value={f.password}
            onChange={(v) => set('password', v)}
          />
        )}
        {editing && (
          <label className="check">
            <input type="checkbox" checked={!f.active} onChange={(e) => set('active', !e.target.checked)} />{' '}
            {t('userLocked')}
          </label>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={action.busy}>
            {editing ? t('save') : t('addUser')}
          </button>
          {editing && (
            <button
              type="button"
              onClick={() => {
                setEditing(null);
                setF(EMPTY);
              }}
            >
              {t('cancel')}
            </button>
          )}
        </div>
      </form>

      <section aria-labelledby="units-h">
        <h2 id="units-h">{t('unitsTitle')}</h2>
        <ul data-testid="units-list">
          {(units.data ?? []).map((u) => (
            <li key={u.id}>
              <strong>{u.abbreviation}</strong> — {u.name}
            </li>
          ))}
        </ul>
        <form
          aria-label={t('addUnit')}
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const ok = await action.run(
              () => post(`/api/agencies/${agencyId}/units`, unitForm),
              t('unitCreated', { name: unitForm.name }),
            );
            if (ok) {
              setUnitForm({ abbreviation: '', name: '' });
              units.reload();
            }
          }}
        >
          <Field label={t('unitAbbreviation')} id="unit-abbreviation" required>
            <input
              id="unit-abbreviation"
              required
              maxLength={20}
              value={unitForm.abbreviation}
              onChange={(e) => setUnitForm((x) => ({ ...x, abbreviation: e.target.value.toUpperCase() }))}
            />
          </Field>
          <Field label={t('unitName')} id="unit-name" required>
            <input
              id="unit-name"
              required
              minLength={2}
              value={unitForm.name}
              onChange={(e) => setUnitForm((x) => ({ ...x, name: e.target.value }))}
            />
          </Field>
          <button type="submit" disabled={action.busy}>
            {t('addUnit')}
          </button>
        </form>
      </section>

      {editing && (
        <form
          aria-label={t('resetPassword')}
          onSubmit={async (e) => {
            e.preventDefault();
            const ok = await action.run(
              () => post(`/api/users/${editing.id}/password`, { newPassword }),
              t('passwordReset'),
            );
            if (ok !== undefined) setNewPassword('');
          }}
        >
          <PasswordField
            id="reset-password"
            label={t('newPassword')}
            autoComplete="new-password"
            value={newPassword}
            onChange={setNewPassword}
          />
          <button type="submit" disabled={action.busy}>
            {t('resetPassword')}
          </button>
        </form>
      )}
    </Page>
  );
}
