import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import type { Schema } from '../api/schema';
import './memory.css';

type MemoryItem = Schema<'MemoryItem'>;

const KINDS: { kind: MemoryItem['kind']; title: string }[] = [
  { kind: 'open_loop', title: 'Open loops' },
  { kind: 'decision', title: 'Decisions' },
  { kind: 'preference', title: 'Preferences' },
];

/**
 * What the CEO remembers from past conversations (operators and up). Resolving an open loop
 * takes it out of the context new conversations start with; deleting forgets it entirely.
 */
export function MemoryPanel() {
  const [items, setItems] = useState<MemoryItem[] | null>(null);
  const [withResolved, setWithResolved] = useState(false);
  const [forgetting, setForgetting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    ok(
      hq.GET('/api/memory', { params: { query: withResolved ? {} : { resolved: 'false' } } }),
    ).then(
      (r) => setItems(r.items),
      (e) => setError(messageOf(e)),
    );
  // Reload when resolved items are shown or hidden.
  useEffect(() => {
    void load();
  }, [withResolved]);

  async function run(request: () => Promise<unknown>) {
    try {
      await request();
      setError(null);
      setForgetting(null);
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <aside class="panel memory" aria-labelledby="memory-title">
      <h3 id="memory-title">What the CEO remembers</h3>
      <label class="check">
        <input
          type="checkbox"
          checked={withResolved}
          onChange={() => setWithResolved(!withResolved)}
        />{' '}
        Show resolved
      </label>
      {error && <p class="error">{error}</p>}
      {items && !items.length && (
        <p class="muted">
          Nothing yet. After a conversation goes quiet, the CEO keeps its decisions, preferences and
          open loops here.
        </p>
      )}
      {KINDS.map(({ kind, title }) => {
        const group = items?.filter((i) => i.kind === kind) ?? [];
        if (!group.length) return null;
        return (
          <div key={kind}>
            <h4>{title}</h4>
            <ul class="plain memory-items" aria-label={title}>
              {group.map((item) => (
                <li key={item.id} class={item.resolvedAt ? 'resolved' : ''}>
                  <p>{item.content}</p>
                  <div class="muted small">
                    {new Date(item.createdAt).toLocaleDateString()}
                    {item.sourceEmail && ` · from ${item.sourceEmail}`}
                    {item.resolvedAt &&
                      ` · resolved ${new Date(item.resolvedAt).toLocaleDateString()}`}
                  </div>
                  <div class="inline">
                    {!item.resolvedAt && (
                      <button
                        type="button"
                        class="secondary"
                        onClick={() =>
                          void run(() =>
                            ok(
                              hq.POST('/api/memory/{id}/resolve', {
                                params: { path: { id: item.id } },
                              }),
                            ),
                          )
                        }
                      >
                        Resolve
                      </button>
                    )}
                    {forgetting === item.id ? (
                      <button
                        type="button"
                        class="danger"
                        onClick={() =>
                          void run(() =>
                            ok(
                              hq.DELETE('/api/memory/{id}', { params: { path: { id: item.id } } }),
                            ),
                          )
                        }
                      >
                        Yes, forget it
                      </button>
                    ) : (
                      <button
                        type="button"
                        class="secondary"
                        onClick={() => setForgetting(item.id)}
                      >
                        Delete
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </aside>
  );
}
