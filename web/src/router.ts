import { signal } from '@preact/signals';

/** The current path; components read it, `navigate` changes it. */
export const currentPath = signal(location.pathname);
export const currentQuery = signal(new URLSearchParams(location.search));

/** Client-side navigation without a page load. */
export function navigate(to: string, replace = false): void {
  const url = new URL(to, location.origin);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  currentPath.value = url.pathname;
  currentQuery.value = url.searchParams;
}

addEventListener('popstate', () => {
  currentPath.value = location.pathname;
  currentQuery.value = new URLSearchParams(location.search);
});

/** Makes plain `<a href="/x">` links navigate in-app. */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.target as HTMLElement).closest('a');
  if (!anchor || anchor.target || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(anchor.href);
  if (
    url.origin !== location.origin ||
    url.pathname.startsWith('/docs/') ||
    url.pathname.startsWith('/auth/')
  )
    return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
