/**
 * The dashboard's shell: sign-in gate, navigation, theme toggle, keyboard shortcuts and the live connection, and
 * the page the path names. A 401 anywhere sends the user back to sign-in.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, session, whoAmI } from './api';
import { SHORTCUTS, useShortcuts } from './keyboard';
import { startLive, useLiveState } from './live';
import { Link, navigate, routeOf, usePath, type Route } from './router';
import { MeContext } from './session-context';
import type { Me } from './types';
import { IncidentDetail } from './views/incident-detail';
import { IncidentsList } from './views/incidents-list';
import { LazyIntegrationPage } from './views/lazy-integration-page';
import { Overview } from './views/overview';
import { PlaybookPlan, PlaybooksList } from './views/playbooks';
import { SignIn } from './views/sign-in';

type Theme = 'light' | 'dark' | 'system';

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(
    () => (localStorage.getItem('lifeline.theme') as Theme) ?? 'system',
  );
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    localStorage.setItem('lifeline.theme', theme);
  }, [theme]);
  const next = () => setTheme((t) => (t === 'system' ? 'dark' : t === 'dark' ? 'light' : 'system'));
  return [theme, next];
}

export function App() {
  const path = usePath();
  const [me, setMe] = useState<Me | undefined>();
  const [checked, setChecked] = useState(false);
  const [theme, toggleTheme] = useTheme();

  const identify = useCallback(async () => {
    try {
      setMe(await whoAmI());
    } catch (error) {
      setMe(undefined);
      if (!(error instanceof ApiError && error.status === 401)) console.error(error);
    } finally {
      setChecked(true);
    }
  }, []);
  useEffect(() => void identify(), [identify]);
  useEffect(() => (me ? startLive() : undefined), [me]);
  useShortcuts(me !== undefined);

  const route = routeOf(path);
  if (!checked) return <p class="loading">Loading…</p>;
  if (!me || route?.page === 'sign-in') {
    return (
      <SignIn
        onSignedIn={async () => {
          await identify();
          if (route?.page === 'sign-in') navigate('/');
        }}
      />
    );
  }
  const signOut = () => {
    session.signOut();
    setMe(undefined);
    navigate('/sign-in');
  };
  return (
    <MeContext.Provider value={me}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link href="/" class="brand">
          Lifeline
        </Link>
        <nav aria-label="Main">
          <Link href="/" aria-current={route?.page === 'overview' ? 'page' : undefined}>
            Overview
          </Link>
          <Link href="/incidents" aria-current={route?.page === 'incidents' ? 'page' : undefined}>
            Incidents
          </Link>
          <Link href="/playbooks" aria-current={route?.page === 'playbooks' ? 'page' : undefined}>
            Playbooks
          </Link>
        </nav>
        <LiveIndicator />
        <span class="who" data-testid="who">
          {me.auth === 'open' ? 'open API (no tokens)' : `${me.name ?? 'token'} · ${me.role}`}
        </span>
        <button type="button" onClick={toggleTheme} aria-label={`Theme: ${theme}. Change theme`}>
          {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'} {theme}
        </button>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Help />
        <Page route={route} />
      </main>
    </MeContext.Provider>
  );
}

function Help() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const toggle = () => setOpen((o) => !o);
    addEventListener('lifeline:help', toggle);
    return () => removeEventListener('lifeline:help', toggle);
  }, []);
  if (!open) return null;
  return (
    <aside class="help" aria-label="Keyboard shortcuts">
      <h2>Keyboard shortcuts</h2>
      <dl class="facts">
        {SHORTCUTS.map(([key, what]) => (
          <>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{what}</dd>
          </>
        ))}
      </dl>
      <button type="button" onClick={() => setOpen(false)}>
        Close
      </button>
    </aside>
  );
}

function LiveIndicator() {
  const state = useLiveState();
  return (
    <span class={`live live-${state}`} role="status" aria-live="polite">
      {state === 'live' ? '● live' : state === 'connecting' ? '○ connecting' : '○ offline, retrying'}
    </span>
  );
}

function Page(props: { route: Route | undefined }) {
  const { route } = props;
  if (!route)
    return (
      <p>
        No such page. <Link href="/">Back to the overview</Link>
      </p>
    );
  switch (route.page) {
    case 'overview':
    case 'sign-in':
      return <Overview />;
    case 'incidents':
      return <IncidentsList />;
    case 'incident':
      return <IncidentDetail id={route.id} />;
    case 'integration':
      return <LazyIntegrationPage id={route.id} />;
    case 'playbooks':
      return <PlaybooksList />;
    case 'playbook':
      return <PlaybookPlan id={route.id} />;
    default: {
      const never: never = route;
      return never;
    }
  }
}
