import { batch, createSignal, splitProps, type JSX } from 'solid-js';

/**
 * A small history-based router: the server answers every unknown path with the app, so deep links and
 * the browser's back button just work. One window, so the location is one pair of signals.
 */
const [pathname, setPathname] = createSignal(window.location.pathname);
const [search, setSearch] = createSignal(window.location.search);

// Both at once: a page made as the path changes reads the query it was opened with, not the last page's.
function sync(): void {
  batch(() => {
    setPathname(window.location.pathname);
    setSearch(window.location.search);
  });
}
window.addEventListener('popstate', sync);

export { pathname, search };

/** Goes to `to` (a same-origin path with optional query). `replace` leaves no new history entry. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  sync();
  if (!options.replace) window.scrollTo(0, 0);
}

/** The current query string as an object; read inside a reactive scope to follow changes. */
export function searchParams(): URLSearchParams {
  return new URLSearchParams(search());
}

/**
 * Matches `/patients/:id/:tab?` against a path; returns the decoded params or null.
 * A trailing `?` marks an optional last segment.
 */
export function matchPath(pattern: string, path: string): Record<string, string | undefined> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  const required = want.filter((s) => !s.endsWith('?')).length;
  if (have.length < required || have.length > want.length) return null;
  const params: Record<string, string | undefined> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    const value = have[i];
    if (segment.startsWith(':')) {
      const name = segment.slice(1).replace(/\?$/, '');
      params[name] = value === undefined ? undefined : decodeURIComponent(value);
    } else if (segment !== value) {
      return null;
    }
  }
  return params;
}

type LinkProps = JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/** A real `<a>` (middle-click, copy link and screen readers all work) that navigates without a reload. */
export function Link(props: LinkProps): JSX.Element {
  const [local, rest] = splitProps(props, ['href', 'onClick']);
  const onClick = (event: MouseEvent & { currentTarget: HTMLAnchorElement; target: Element }) => {
    if (typeof local.onClick === 'function') local.onClick(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(local.href);
  };
  return <a href={local.href} onClick={onClick} {...rest} />;
}
