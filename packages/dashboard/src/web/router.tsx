/**
 * A small history-based router: the dashboard's pages are real paths (`/incidents/INC-4`) that the daemon
 * answers with index.html (see `DASHBOARD_PAGES` in the daemon's dashboard-route.ts — keep both lists equal).
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'overview' }
  | { page: 'sign-in' }
  | { page: 'incidents' }
  | { page: 'incident'; id: string }
  | { page: 'integration'; id: string }
  | { page: 'playbooks' }
  | { page: 'playbook'; id: string };

export function routeOf(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, ...rest] = parts;
  if (rest.length > 0) return undefined;
  if (first === undefined) return { page: 'overview' };
  if (first === 'sign-in' && second === undefined) return { page: 'sign-in' };
  if (first === 'incidents')
    return second === undefined ? { page: 'incidents' } : { page: 'incident', id: second };
  if (first === 'integrations' && second !== undefined) return { page: 'integration', id: second };
  if (first === 'playbooks')
    return second === undefined ? { page: 'playbooks' } : { page: 'playbook', id: second };
  return undefined;
}

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return path;
}

/** An in-app link: a real `<a href>` (open in a new tab works) that navigates without a reload. */
export function Link(
  props: { href: string; children: ComponentChildren } & JSX.HTMLAttributes<HTMLAnchorElement>,
) {
  const { href, children, ...rest } = props;
  return (
    <a
      {...rest}
      href={href}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
