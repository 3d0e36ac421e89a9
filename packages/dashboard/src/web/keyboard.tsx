/**
 * Keyboard shortcuts: `/` focuses the page's search box, `g o` / `g i` / `g p` go to the overview, incidents and
 * playbooks, `?` shows the list. Ignored while typing in a field.
 */
import { useEffect } from 'preact/hooks';
import { navigate } from './router';

export const SHORTCUTS: readonly [string, string][] = [
  ['/', 'search on this page'],
  ['g o', 'overview'],
  ['g i', 'incidents'],
  ['g p', 'playbooks'],
  ['?', 'this help'],
];

export function useShortcuts(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    let pendingG = false;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)))
        return;
      if (pendingG) {
        pendingG = false;
        const to = { o: '/', i: '/incidents', p: '/playbooks' }[event.key];
        if (to) {
          event.preventDefault();
          navigate(to);
        }
        return;
      }
      if (event.key === 'g') pendingG = true;
      else if (event.key === '/') {
        const search = document.querySelector<HTMLInputElement>('[data-search]');
        if (search) {
          event.preventDefault();
          search.focus();
        }
      } else if (event.key === '?') {
        dispatchEvent(new CustomEvent('lifeline:help'));
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [enabled]);
}
