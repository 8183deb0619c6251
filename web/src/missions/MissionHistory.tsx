import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import type { HistoryItem } from './types';

/**
 * What happened to the mission, oldest first: proposed, each edit, the decision, its tasks'
 * moves, how it ended. Read again whenever the page's mission moved (`version`).
 */
export function MissionHistory({ missionId, version }: { missionId: string; version: string }) {
  const [items, setItems] = useState<HistoryItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ok(hq.GET('/api/missions/{id}/history', { params: { path: { id: missionId } } })).then(
      (r) => {
        setItems(r.items);
        setError(null);
      },
      (e) => setError(messageOf(e)),
    );
  }, [missionId, version]);

  return (
    <section>
      <h3>History</h3>
      {error && <p class="error">{error}</p>}
      <ol class="mission-history" data-testid="mission-history">
        {items.map((item, i) => (
          // Entries have no ids; the list only grows at its end.
          <li key={i} class={`history-${item.kind}`}>
            <span class="muted">{new Date(item.at).toLocaleString()}</span>{' '}
            <span class="badge">{item.kind}</span> {item.text}{' '}
            <span class="muted">({item.actor})</span>
          </li>
        ))}
      </ol>
      {!items.length && !error && <p class="muted">Nothing yet.</p>}
    </section>
  );
}
