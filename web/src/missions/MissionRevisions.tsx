import { useEffect, useState } from 'preact/hooks';
import { DiffView } from '../agents/DiffView';
import { hq, messageOf, ok } from '../api/client';
import { planDiff } from './plan-diff';
import type { MissionRevision } from './types';

/**
 * How the plan was edited before the decision, newest first: who, why and what changed (the
 * agents' diff view). Revision 0 is the plan as proposed. Plans are not rolled back: an
 * operator edits again.
 */
export function MissionRevisions({ missionId, version }: { missionId: string; version: string }) {
  const [items, setItems] = useState<MissionRevision[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ok(hq.GET('/api/missions/{id}/revisions', { params: { path: { id: missionId } } })).then(
      (r) => {
        setItems(r.items);
        setError(null);
      },
      (e) => setError(messageOf(e)),
    );
  }, [missionId, version]);

  return (
    <section class="timeline">
      <h3>Revisions</h3>
      {error && <p class="error">{error}</p>}
      <ol>
        {items.map((r) => (
          <li key={r.number} class="revision" data-testid={`mission-revision-${r.number}`}>
            <header>
              <strong>Revision {r.number}</strong>{' '}
              <span class="muted">
                by {r.actor} · {new Date(r.createdAt).toLocaleString()}
                {r.number > 0 && r.fields.length > 0 && ` · changed ${r.fields.join(', ')}`}
              </span>
              {r.reason && <div class="reason">“{r.reason}”</div>}
            </header>
            {r.number === 0 ? (
              <p class="muted">As proposed.</p>
            ) : (
              <DiffView changes={planDiff(r.diff)} />
            )}
          </li>
        ))}
      </ol>
      {!items.length && !error && <p class="muted">Not edited since it was proposed.</p>}
    </section>
  );
}
