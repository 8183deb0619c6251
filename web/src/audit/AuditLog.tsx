import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import type { Schema } from '../api/schema';

type Entry = Schema<'AuditEntry'>;

const FILTERS = ['actor', 'action', 'entityType'] as const;

/** The audit log: newest first, filterable, paged with the server's cursor. */
export function AuditLog() {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [items, setItems] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load(from: string | null) {
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(filters)) if (value.trim()) query[key] = value.trim();
    if (from) query.cursor = from;
    try {
      const page = await ok(hq.GET('/api/audit', { params: { query: { ...query, limit: 50 } } }));
      setItems((current) => (from ? [...current, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  // Load once on open; filters apply on submit.
  useEffect(() => {
    void load(null);
  }, []);

  return (
    <section>
      <h2>Audit log</h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load(null);
        }}
      >
        {FILTERS.map((name) => (
          <input
            key={name}
            placeholder={name}
            aria-label={name}
            value={filters[name] ?? ''}
            onInput={(e) => setFilters({ ...filters, [name]: e.currentTarget.value })}
          />
        ))}
        <button type="submit">Filter</button>
      </form>
      {error && <p class="error">{error}</p>}
      <table class="table">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Entity</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.createdAt).toLocaleString()}</td>
              <td>{e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                {e.entityType} {e.entityId}
              </td>
              <td>
                <code class="summary">{JSON.stringify(e.summary)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!items.length && !error && <p class="muted">Nothing recorded yet.</p>}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          Load more
        </button>
      )}
    </section>
  );
}
