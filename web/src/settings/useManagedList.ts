import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api/client';

/**
 * A list an admin manages on the Settings page (runners, API tokens): loaded once, loaded
 * again after every action, and a failed action shown as the panel's error in the words
 * `describe` gives it.
 */
export function useManagedList<T>(
  /** Names the list: loaded again only when it changes. */
  key: string,
  fetchList: () => Promise<T[]>,
  describe: (error: unknown) => string = messageOf,
) {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = () => fetchList().then(setItems);
  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, [key]);

  async function act(work: () => Promise<void>) {
    try {
      await work();
      setError(null);
      await load();
    } catch (e) {
      setError(describe(e));
    }
  }
  return { items, error, act };
}
