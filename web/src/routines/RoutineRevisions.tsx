import { useEffect, useState } from 'preact/hooks';
import { DiffView } from '../agents/DiffView';
import { describeFailure, hq, messageOf, ok } from '../api/client';
import { when } from './schedule';
import type { Routine, RoutineRevision } from './types';

/** The routine's permanent record, newest first: who changed what and why; operators roll back. */
export function RoutineRevisions({
  routine,
  operator,
  onRolledBack,
}: {
  routine: Routine;
  operator: boolean;
  onRolledBack: (routine: Routine, message: string) => void;
}) {
  const [items, setItems] = useState<RoutineRevision[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function load(from: string | null) {
    const page = await ok(
      hq.GET('/api/routines/{id}/revisions', {
        params: {
          path: { id: routine.id },
          query: { limit: 20, ...(from ? { cursor: from } : {}) },
        },
      }),
    );
    setItems((current) => (from ? [...current, ...page.items] : page.items));
    setCursor(page.nextCursor);
  }
  // Reload whenever the routine changed (its revision number moves with every change).
  useEffect(() => {
    load(null).catch((e) => setError(messageOf(e)));
  }, [routine.id, routine.revision]);

  return (
    <section class="timeline">
      <h3>Revisions</h3>
      {error && <p class="error">{error}</p>}
      <ol>
        {items.map((r) => (
          <li key={r.number} class="revision" data-testid={`routine-revision-${r.number}`}>
            <header>
              <strong>Revision {r.number}</strong>{' '}
              <span class="muted">
                by {r.actor} · {when(r.createdAt)}
              </span>
              {r.reason && <div class="reason">“{r.reason}”</div>}
            </header>
            <DiffView changes={r.diff} />
            {operator && r.number !== routine.revision && (
              <button type="button" class="secondary" onClick={() => setConfirming(r.number)}>
                Roll back to revision {r.number}
              </button>
            )}
            {confirming === r.number && (
              <RollbackConfirm
                routineId={routine.id}
                number={r.number}
                onCancel={() => setConfirming(null)}
                onDone={(result) => {
                  setConfirming(null);
                  onRolledBack(result.routine, rolledBackText(r.number, result));
                }}
              />
            )}
          </li>
        ))}
      </ol>
      {!items.length && !error && <p class="muted">No revisions yet.</p>}
      {cursor && (
        <button
          type="button"
          class="secondary"
          onClick={() => load(cursor).catch((e) => setError(messageOf(e)))}
        >
          Older revisions
        </button>
      )}
    </section>
  );
}

interface RolledBack {
  routine: Routine;
  /** Null: the routine already matched that revision. */
  revision: number | null;
  unrestored: { field: string; reason: string }[];
}

/** The notice after a rollback: the new revision, and what it could not restore and why. */
function rolledBackText(number: number, result: RolledBack): string {
  if (result.revision === null) return `The routine already matched revision ${number}.`;
  const kept = result.unrestored.map((u) => `${u.field} (${u.reason})`).join('; ');
  return `Rolled back to revision ${number} as revision ${result.revision}.${kept ? ` Not restored: ${kept}.` : ''}`;
}

function RollbackConfirm(props: {
  routineId: string;
  number: number;
  onCancel: () => void;
  onDone: (result: RolledBack) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const confirm = () =>
    ok(
      hq.POST('/api/routines/{id}/revisions/{number}/rollback', {
        params: { path: { id: props.routineId, number: props.number } },
        body: { reason },
      }),
    ).then(props.onDone, (e) => setError(describeFailure(e)));
  return (
    <div class="confirm" role="dialog" aria-label="Confirm rollback">
      <p>
        Restore the routine's settings from revision {props.number}. This makes a new revision. The
        webhook secret is not in revisions: the current webhook stays as it is.
      </p>
      <label>
        Reason <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      {error && <p class="error">{error}</p>}
      <button type="button" onClick={() => void confirm()} disabled={!reason.trim()}>
        Confirm rollback
      </button>{' '}
      <button type="button" class="secondary" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
