import { useEffect, useState } from 'preact/hooks';
import { hq, ok } from '../api/client';
import type { Schema } from '../api/schema';

type ServedRepository = Schema<'Repository'>;

/**
 * A repository name: offers what runners serve (GET /api/repositories) and still takes any
 * name typed (a runner that serves it may start later). The propose form and routines use it.
 */
export function RepositoryInput({
  name,
  value,
  onInput,
}: {
  name: string;
  value: string;
  onInput: (value: string) => void;
}) {
  const [served, setServed] = useState<ServedRepository[] | null>(null);
  useEffect(() => {
    ok(hq.GET('/api/repositories')).then(
      (r) => setServed(r.repositories),
      // Only a hint: without it the field still takes any name.
      () => setServed([]),
    );
  }, []);
  const list = `${name}-served`;
  return (
    <label>
      Repository
      <input
        name={name}
        list={list}
        placeholder="owner/name"
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <datalist id={list}>
        {served?.map((r) => (
          <option key={r.name} value={r.name}>
            {`${r.runners.length} runner(s), ${r.runners.filter((x) => x.online).length} online`}
          </option>
        ))}
      </datalist>
      {served && !served.length && (
        <span class="muted" data-testid="no-served-repositories">
          no runner serves a repository yet
        </span>
      )}
    </label>
  );
}
