/**
 * A small history router: the console's few pages do not need a library. Paths are under
 * /console; Candor answers the console page for every one of them, so a reload or a shared link
 * lands on the same page.
 */
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export const BASE = '/console';

export type Route =
  | { page: 'inbox'; search: URLSearchParams }
  | { page: 'case'; id: string }
  | { page: 'admin'; section: AdminSection }
  | { page: 'account' }
  | { page: 'paused-clocks' }
  | { page: 'retaliation-reviews' }
  | { page: 'audit'; search: URLSearchParams }
  | { page: 'analytics' }
  | { page: 'not-found' };

export const ADMIN_SECTIONS = ['users', 'channels', 'questionnaires', 'clocks', 'ladder', 'portal'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

export function parseLocation(pathname: string, search: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'inbox', search: new URLSearchParams(search) };
  if (parts[0] === 'cases' && parts.length === 2) return { page: 'case', id: parts[1]! };
  if (parts[0] === 'account' && parts.length === 1) return { page: 'account' };
  if (parts[0] === 'paused-clocks' && parts.length === 1) return { page: 'paused-clocks' };
  if (parts[0] === 'retaliation-reviews' && parts.length === 1) return { page: 'retaliation-reviews' };
  if (parts[0] === 'audit' && parts.length === 1) return { page: 'audit', search: new URLSearchParams(search) };
  if (parts[0] === 'analytics' && parts.length === 1) return { page: 'analytics' };
  if (parts[0] === 'admin') {
    const section = (parts[1] ?? 'users') as AdminSection;
    if (parts.length <= 2 && ADMIN_SECTIONS.includes(section)) return { page: 'admin', section };
  }
  return { page: 'not-found' };
}

const NAVIGATED = 'candor:navigated';

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = to.startsWith(BASE) ? to : BASE + to;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATED));
}

export function useLocation(): { pathname: string; search: string } {
  const read = () => ({ pathname: location.pathname, search: location.search });
  const [current, setCurrent] = useState(read);
  useEffect(() => {
    const update = () => setCurrent(read());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return current;
}

/** A real link (it opens in a new tab, it can be copied) that navigates in place on a plain click. */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const href = to.startsWith(BASE) ? to : BASE + to;
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
