import { get } from '../api.js';
import { byVi } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { useLoad, useMe } from './ui.js';

interface UserView {
  id: string;
  fullName: string;
  title?: string;
  username: string;
}

/** Users visible to the caller, in Vietnamese order (the API sorts too; sorting again keeps filters stable). */
export function useUsers(role?: string) {
  // `role` may list several roles ("leader,deputy-leader"): one request each, merged.
  return useLoad(async () => {
    const roles = role ? role.split(',') : [''];
    const lists = await Promise.all(
      roles.map((r) => get<UserView[]>(`/api/users${r ? `?role=${encodeURIComponent(r)}` : ''}`)),
    );
    const byId = new Map(lists.flat().map((u) => [u.id, u]));
    return [...byId.values()].sort(byVi((u) => u.fullName));
  }, [role]);
}

const label = (u: UserView) => `${u.fullName}${u.title ? ` — ${u.title}` : ''} (${u.username})`;

export function UserPicker(props: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  required?: boolean;
  role?: string;
}) {
  const { t } = useI18n();
  const users = useUsers(props.role);
  return (
    <select
      id={props.id}
      value={props.value}
      required={props.required}
      onChange={(e) => props.onChange(e.target.value)}
      aria-busy={users.loading}
    >
      <option value="">{users.error ? (users.error as Error).message : t('chooseUser')}</option>
      {(users.data ?? []).map((u) => (
        <option key={u.id} value={u.id} data-username={u.username}>
          {label(u)}
        </option>
      ))}
    </select>
  );
}

export function UsersPicker(props: {
  id: string;
  value: string[];
  onChange: (v: string[]) => void;
  required?: boolean;
}) {
  const users = useUsers();
  return (
    <select
      id={props.id}
      multiple
      size={6}
      required={props.required}
      value={props.value}
      onChange={(e) => props.onChange([...e.target.selectedOptions].map((o) => o.value))}
    >
      {(users.data ?? []).map((u) => (
        <option key={u.id} value={u.id} data-username={u.username}>
          {label(u)}
        </option>
      ))}
    </select>
  );
}

export function UnitPicker(props: { id: string; value: string; onChange: (v: string) => void; required?: boolean }) {
  const { t } = useI18n();
  const { me } = useMe();
  const units = useLoad(
    () => get<{ id: string; name: string; abbreviation: string }[]>(`/api/agencies/${me.agencyId}/units`),
    [me.agencyId],
  );
  return (
    <select
      id={props.id}
      value={props.value}
      required={props.required}
      onChange={(e) => props.onChange(e.target.value)}
    >
      <option value="">{t('chooseOption')}</option>
      {[...(units.data ?? [])].sort(byVi((u) => u.name)).map((u) => (
        <option key={u.id} value={u.id}>
          {u.name} ({u.abbreviation})
        </option>
      ))}
    </select>
  );
}

export function DossierPicker(props: { id: string; value: string; onChange: (v: string) => void; required?: boolean }) {
  const { t } = useI18n();
  const list = useLoad(() => get<any>('/api/dossiers?state=open'), []);
  const items: { id: string; code: string; title: string }[] = Array.isArray(list.data)
    ? list.data
    : (list.data?.items ?? []);
  return (
    <select
      id={props.id}
      value={props.value}
      required={props.required}
      onChange={(e) => props.onChange(e.target.value)}
    >
      <option value="">{list.error ? (list.error as Error).message : t('chooseDossier')}</option>
      {items.map((d) => (
        <option key={d.id} value={d.id}>
          {d.code} — {d.title}
        </option>
      ))}
    </select>
  );
}

/** dd/MM/yyyy text entry (the native date input follows the browser's locale, not the app's) → ISO yyyy-MM-dd. */
export function DateInput(props: { id: string; value: string; onChange: (iso: string) => void; required?: boolean }) {
  const shown =
    props.value && /^\d{4}-\d{2}-\d{2}$/.test(props.value) ? props.value.split('-').reverse().join('/') : props.value;
  return (
    <input
      id={props.id}
      inputMode="numeric"
      placeholder="dd/mm/yyyy"
      pattern="\d{2}/\d{2}/\d{4}"
      required={props.required}
      defaultValue={shown}
      onChange={(e) => {
        const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(e.target.value.trim());
        props.onChange(m ? `${m[3]}-${m[2]}-${m[1]}` : e.target.value);
      }}
    />
  );
}
