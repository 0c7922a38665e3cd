import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { get, post, session } from './api.js';
import { I18nContext, initialLang, translator, useI18n, type Lang } from './i18n/index.js';
import { match, navigate, useLocation } from './router.js';
import { ErrorBox, hasRole, Link, Loading, MeContext, type Me } from './components/ui.js';
import { SearchBox } from './components/search-box.js';
import { LoginPage } from './pages/login.js';
import { InboxPage } from './pages/inbox.js';
import { TaskPage } from './pages/task.js';
import { DocumentsPage } from './pages/documents.js';
import { SearchPage } from './pages/search.js';
import { DocumentPage } from './pages/document.js';
import { NewOutgoingPage } from './pages/new-outgoing.js';
import { NewIncomingPage } from './pages/new-incoming.js';
import { BoardPage } from './pages/board.js';
import { RegistersPage } from './pages/registers.js';
import { FilePlanPage } from './pages/file-plan.js';
import { DossiersPage, DossierPage } from './pages/dossiers.js';
import { TransfersPage } from './pages/transfers.js';
import { UsersPage } from './pages/users.js';
import { AccountPage } from './pages/account.js';
import { AuditPage } from './pages/audit.js';
import { ExchangePage } from './pages/exchange.js';
import { BackupsPage } from './pages/backups.js';
import { ProcessesPage } from './pages/processes.js';

// bpmn-js and chart.js are large: load them only on the screens that need them.
const EditorPage = lazy(() => import('./pages/process-editor.js'));
const InstancePage = lazy(() => import('./pages/instance.js'));
const StatsPage = lazy(() => import('./pages/stats.js'));
const HandlingReportPage = lazy(() => import('./pages/handling-report.js'));

interface NavItem {
  to: string;
  key: string;
  show: (me: Me) => boolean;
  count?: boolean;
}
const NAV: NavItem[] = [
  { to: '/', key: 'nav.inbox', show: () => true, count: true },
  { to: '/documents', key: 'nav.documents', show: () => true },
  { to: '/search', key: 'nav.search', show: () => true },
  { to: '/documents/new-outgoing', key: 'nav.newOutgoing', show: (m) => m.permissions.includes('documents.draft') },
  { to: '/documents/new-incoming', key: 'nav.newIncoming', show: (m) => hasRole(m, 'clerk') },
  { to: '/registers', key: 'nav.registers', show: (m) => hasRole(m, 'clerk', 'leader', 'deputy-leader', 'archivist') },
  { to: '/dossiers', key: 'nav.dossiers', show: () => true },
  { to: '/file-plan', key: 'nav.filePlan', show: (m) => hasRole(m, 'clerk', 'archivist', 'leader') },
  { to: '/transfers', key: 'nav.transfers', show: (m) => hasRole(m, 'archivist', 'clerk') },
  { to: '/board', key: 'nav.board', show: (m) => hasRole(m, 'leader', 'deputy-leader', 'unit-head') },
  {
    to: '/reports/handling',
    key: 'nav.handling',
    show: (m) => hasRole(m, 'leader', 'deputy-leader', 'unit-head', 'clerk'),
  },
  { to: '/stats', key: 'nav.stats', show: (m) => hasRole(m, 'leader', 'deputy-leader', 'admin') },
  { to: '/processes', key: 'nav.processes', show: (m) => hasRole(m, 'process-admin', 'admin') },
  { to: '/users', key: 'nav.users', show: (m) => m.permissions.includes('organizations.manage') },
  { to: '/audit', key: 'nav.audit', show: (m) => m.permissions.includes('audit.read') },
  {
    to: '/exchange',
    key: 'nav.exchange',
    show: (m) => hasRole(m, 'clerk') || m.permissions.includes('organizations.manage'),
  },
  { to: '/backups', key: 'nav.backups', show: (m) => hasRole(m, 'admin') },
];

function route(path: string): ReactNode {
  let p: Record<string, string> | null;
  if (path === '/' || path === '/tasks') return <InboxPage />;
  if ((p = match('/tasks/:id', path))) return <TaskPage id={p.id} />;
  if (path === '/documents') return <DocumentsPage />;
  if (path === '/search') return <SearchPage />;
  if (path === '/documents/new-outgoing') return <NewOutgoingPage />;
  if (path === '/documents/new-incoming') return <NewIncomingPage />;
  if ((p = match('/documents/:id', path))) return <DocumentPage id={p.id} />;
  if (path === '/registers') return <RegistersPage />;
  if (path === '/dossiers') return <DossiersPage />;
  if ((p = match('/dossiers/:id', path))) return <DossierPage id={p.id} />;
  if (path === '/file-plan') return <FilePlanPage />;
  if (path === '/transfers') return <TransfersPage />;
  if (path === '/board') return <BoardPage />;
  if (path === '/stats') return <StatsPage />;
  if (path === '/reports/handling') return <HandlingReportPage />;
  if (path === '/processes') return <ProcessesPage />;
  if (path === '/users') return <UsersPage />;
  if (path === '/audit') return <AuditPage />;
  if (path === '/exchange') return <ExchangePage />;
  if (path === '/backups') return <BackupsPage />;
  if (path === '/account') return <AccountPage />;
  if (path === '/processes/new') return <EditorPage />;
  if ((p = match('/processes/:processId/edit', path))) return <EditorPage processId={p.processId} />;
  if ((p = match('/instances/:id', path))) return <InstancePage id={p.id} />;
  return null;
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  session.lang = lang;
  const t = useMemo(() => translator(lang), [lang]);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('hoso.lang', l);
    session.lang = l;
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const [me, setMe] = useState<Me | null>(null);
  const [bootError, setBootError] = useState<unknown>();
  const [booting, setBooting] = useState(!!session.token);

  const loadMe = useCallback(() => {
    if (!session.token) return setBooting(false);
    setBooting(true);
    get<Me>('/api/auth/me').then(
      (m) => {
        setMe(m);
        setBooting(false);
      },
      (e) => {
        if (e.status === 401) session.token = null;
        else setBootError(e);
        setBooting(false);
      },
    );
  }, []);
  useEffect(loadMe, [loadMe]);
  useEffect(() => {
    session.onUnauthorized = () => {
      session.token = null;
      setMe(null);
    };
  }, []);

  const i18n = useMemo(() => ({ lang, t, setLang }), [lang, t, setLang]);
  let body: ReactNode;
  if (booting) body = <Loading />;
  else if (bootError) body = <ErrorBox error={bootError} onRetry={loadMe} />;
  else if (!me)
    body = (
      <LoginPage
        onLogin={(token, user) => {
          session.token = token;
          setMe(user);
        }}
      />
    );
  else
    body = (
      <Shell
        me={me}
        onLogout={() => {
          post('/api/auth/logout').catch(() => undefined);
          session.token = null;
          setMe(null);
          navigate('/');
        }}
      />
    );
  return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}

function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const { t, lang, setLang } = useI18n();
  const { path } = useLocation();
  const [counts, setCounts] = useState<{ mine?: number; group?: number; overdue?: number }>({});
  const [menuOpen, setMenuOpen] = useState(false);
  const refreshCounts = useCallback(() => {
    get('/api/tasks/counts').then(setCounts, () => setCounts({}));
  }, []);
  useEffect(() => {
    refreshCounts();
    const h = setInterval(refreshCounts, 60_000);
    return () => clearInterval(h);
  }, [refreshCounts]);
  useEffect(() => {
    setMenuOpen(false);
    document.getElementById('page-title')?.focus();
  }, [path]);
  const ctx = useMemo(() => ({ me, refreshCounts }), [me, refreshCounts]);
  const page = route(path);
  const inboxCount = (counts.mine ?? 0) + (counts.group ?? 0);
  return (
    <MeContext.Provider value={ctx}>
      <a className="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          ☰ <span className="sr-only">{t('nav.menu')}</span>
        </button>
        <Link to="/" className="brand">
          hoso <span className="muted">{t('appTitle')}</span>
        </Link>
        <SearchBox />
        <div className="user">
          <Link to="/account">
            <span title={me.roles.map((r) => t(`role.${r}`)).join(', ')}>{me.fullName}</span>
          </Link>
          <button
            type="button"
            className="link"
            lang={lang === 'vi' ? 'en' : 'vi'}
            onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}
          >
            {t('switchLanguage')}
          </button>
          <button type="button" className="link" onClick={onLogout}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <div className="layout">
        <nav
          id="nav"
          aria-label={t('nav.menu')}
          className={menuOpen ? 'open' : ''}
          onClick={(e) => (e.target as HTMLElement).closest('a') && setMenuOpen(false)}
        >
          <ul>
            {NAV.filter((n) => n.show(me)).map((n) => (
              <li key={n.to}>
                <Link to={n.to} ariaCurrent={n.to === '/' ? path === '/' || path.startsWith('/tasks') : path === n.to}>
                  {t(n.key)}
                  {n.count && inboxCount > 0 && (
                    <span className="count" data-testid="nav-task-count" aria-label={`${inboxCount}`}>
                      {inboxCount}
                    </span>
                  )}
                  {n.count && (counts.overdue ?? 0) > 0 && (
                    <span className="count late" title={t('overdue')}>
                      {counts.overdue}
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main">
          <Suspense fallback={<Loading />}>{page ?? <p>{t('notFoundPage')}</p>}</Suspense>
        </main>
      </div>
    </MeContext.Provider>
  );
}
