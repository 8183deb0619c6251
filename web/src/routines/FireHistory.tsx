import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { when } from './schedule';
import type { RoutineFire } from './types';

/**
 * Where a fire's mission is seen: its tasks on the board once approved (tasks exist from
 * approval on), else the missions page, where it waits for a decision.
 */
export function missionHref(mission: { id: string; status: string }): string {
  return mission.status === 'PROPOSED' || mission.status === 'REJECTED'
    ? '/missions'
    : `/tasks?missionId=${encodeURIComponent(mission.id)}`;
}

/** What a fire started: its mission (linked), a planning job, or nothing. */
export function FireOutcome({ fire }: { fire: RoutineFire }) {
  if (fire.mission)
    return (
      <span>
        <a href={missionHref(fire.mission)}>{fire.mission.title}</a>{' '}
        <span class={`badge mission-${fire.mission.status.toLowerCase()}`}>
          {fire.mission.status}
        </span>
      </span>
    );
  if (fire.planningJobId) return <span class="muted">planning job {fire.planningJobId}</span>;
  return <span class="muted">—</span>;
}

/** Every fire of the routine, newest first: when, how, what it did, and why it skipped or failed. */
export function FireHistory({ routineId, version }: { routineId: string; version: string }) {
  const [items, setItems] = useState<RoutineFire[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load(from: string | null) {
    const page = await ok(
      hq.GET('/api/routines/{id}/fires', {
        params: {
          path: { id: routineId },
          query: { limit: 20, ...(from ? { cursor: from } : {}) },
        },
      }),
    );
    setItems((current) => (from ? [...current, ...page.items] : page.items));
    setCursor(page.nextCursor);
  }
  // Reload when the routine changed (a fire, a pause, an edit): `version` says it did.
  useEffect(() => {
    load(null).catch((e) => setError(messageOf(e)));
  }, [routineId, version]);

  return (
    <section class="routine-fires">
      <h3>Fires</h3>
      {error && <p class="error">{error}</p>}
      {items.length ? (
        <table class="table" data-testid="routine-fires">
          <thead>
            <tr>
              <th>When</th>
              <th>Trigger</th>
              <th>Status</th>
              <th>Mission</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {items.map((f) => (
              <tr key={f.id} data-testid={`fire-${f.id}`}>
                <td>
                  {when(f.createdAt)}
                  {f.trigger === 'cron' && (
                    <div class="muted small">for {when(f.scheduledFor)}</div>
                  )}
                </td>
                <td>{f.trigger}</td>
                <td>
                  <span class={`badge fire-${f.status}`}>{f.status}</span>
                  {f.reason && <div class="muted small">{f.reason}</div>}
                </td>
                <td>
                  <FireOutcome fire={f} />
                </td>
                <td class="small">{f.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        !error && <p class="muted">No fires yet.</p>
      )}
      {cursor && (
        <button
          type="button"
          class="secondary"
          onClick={() => load(cursor).catch((e) => setError(messageOf(e)))}
        >
          Older fires
        </button>
      )}
    </section>
  );
}
