import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * The office page, fetched the first time it is opened: three.js is most of its weight, and
 * no other page needs it.
 */
export function LazyOffice() {
  const [Page, setPage] = useState<ComponentType | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    import('./OfficePage')
      .then((module) => live && setPage(() => module.default))
      .catch((error: unknown) => live && setFailed(String(error)));
    return () => {
      live = false;
    };
  }, []);
  if (failed) return <p class="error">The office could not load: {failed}</p>;
  return Page ? <Page /> : <p class="loading">Loading the office…</p>;
}
