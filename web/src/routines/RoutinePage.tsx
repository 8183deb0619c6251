import { useEffect, useState } from 'preact/hooks';
import { describeFailure, hq, messageOf, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { navigate } from '../router';
import { FireHistory } from './FireHistory';
import { RoutineForm } from './RoutineForm';
import { RoutineRevisions } from './RoutineRevisions';
import { scheduleText, when } from './schedule';
import { LastFire, workText } from './summary';
import type { Routine, RoutineFire } from './types';
import { createdSecret, type FreshSecret, WebhookPanel } from './WebhookPanel';
import './routines.css';

/** What a fire just did, in a sentence for the notice. */
function firedText(fire: RoutineFire): string {
  if (fire.duplicate) return 'Already fired with that key: nothing new.';
  if (fire.mission) return `Fired: mission “${fire.mission.title}” ${fire.status}.`;
  if (fire.status === 'planning') return 'Fired: a planning job is queued.';
  return `Fire ${fire.status}${fire.reason ? `: ${fire.reason}` : ''}.`;
}

/** One routine: what it does and when, its webhook, its fires and its revisions. */
const VERBS = {
  pause: '/api/routines/{id}/pause',
  resume: '/api/routines/{id}/resume',
} as const;

export function RoutinePage({ id }: { id: string }) {
  const [routine, setRoutine] = useState<Routine | null>(null);
  const [editing, setEditing] = useState(false);
  const [archiving, setArchiving] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The webhook secret, held only while this page is open: it is never fetched again.
  const [fresh, setFresh] = useState<FreshSecret | null>(() => {
    const handed = createdSecret.value;
    return handed?.routineId === id ? handed : null;
  });
  const operator = hasRole(me.value, 'operator');
  const get = () => ok(hq.GET('/api/routines/{id}', { params: { path: { id } } }));

  useEffect(() => {
    createdSecret.value = null;
    get().then(setRoutine, (e) => setError(messageOf(e)));
  }, [id]);

  async function act(run: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (e) {
      setError(describeFailure(e));
    } finally {
      setBusy(false);
    }
  }
  const post = (verb: 'pause' | 'resume') =>
    act(async () => {
      // Neither takes a body (the route declares none).
      setRoutine(await ok(hq.POST(VERBS[verb], { params: { path: { id } } })));
      setNotice(verb === 'pause' ? 'Paused: nothing fires until it is resumed.' : 'Resumed.');
    });
  const fire = () =>
    act(async () => {
      const fired = await ok(
        hq.POST('/api/routines/{id}/fire', { params: { path: { id } }, body: {} }),
      );
      setNotice(firedText(fired));
      setRoutine(await get());
    });
  const archive = () =>
    act(async () => {
      await ok(hq.DELETE('/api/routines/{id}', { params: { path: { id } } }));
      navigate('/routines');
    });

  if (!routine) return error ? <p class="error">{error}</p> : <p class="muted">Loading…</p>;
  const version = `${routine.revision}-${routine.lastFire?.id ?? ''}-${routine.paused}`;
  return (
    <section class="routine-page">
      <a href="/routines">← Routines</a>
      <h2>
        {routine.name} {routine.paused && <span class="badge paused">paused</span>}
      </h2>
      <p class="muted">
        {routine.kind} routine · revision {routine.revision} · created by {routine.createdBy}
      </p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && <p class="error">{error}</p>}
      <dl class="facts">
        <dt>Does</dt>
        <dd>{workText(routine)}</dd>
        <dt>Schedule</dt>
        <dd data-testid="routine-schedule">{scheduleText(routine)}</dd>
        <dt>Next run</dt>
        <dd data-testid="routine-next-run">
          {routine.paused ? 'none while paused' : routine.nextRunAt ? when(routine.nextRunAt) : '—'}
        </dd>
        <dt>Last fire</dt>
        <dd>
          <LastFire routine={routine} />
        </dd>
        <dt>Approval</dt>
        <dd>
          {routine.preApproved
            ? `pre-approved by ${routine.preApprovedBy ?? 'an operator'}`
            : 'each mission waits for a decision'}
        </dd>
        <dt>While open</dt>
        <dd>{routine.concurrency === 'skip_if_open' ? 'skip the fire' : 'fire anyway'}</dd>
        <dt>After downtime</dt>
        <dd>{routine.catchUp === 'skip' ? 'skip missed fires' : 'run one for all of them'}</dd>
        {routine.paused && (
          <>
            <dt>Paused</dt>
            <dd>
              {when(routine.pausedAt)} by {routine.pausedBy ?? '?'}
            </dd>
          </>
        )}
      </dl>
      {operator && (
        <div class="inline routine-actions">
          <button type="button" disabled={busy} onClick={() => void fire()}>
            Fire now
          </button>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => void post(routine.paused ? 'resume' : 'pause')}
          >
            {routine.paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" class="secondary" onClick={() => setEditing(!editing)}>
            {editing ? 'Close the editor' : 'Edit'}
          </button>
          <button type="button" class="secondary" onClick={() => setArchiving(true)}>
            Archive
          </button>
        </div>
      )}
      {archiving && (
        <div class="confirm" role="dialog" aria-label="Confirm archive">
          <p>Archive this routine? It stops firing and leaves the list; its history is kept.</p>
          <button type="button" class="danger" disabled={busy} onClick={() => void archive()}>
            Confirm archive
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setArchiving(false)}>
            Cancel
          </button>
        </div>
      )}
      {editing && (
        <RoutineForm
          key={routine.revision}
          routine={routine}
          onCancel={() => setEditing(false)}
          onSaved={({ routine: saved }) => {
            setEditing(false);
            setRoutine(saved);
            setNotice(`Saved as revision ${saved.revision}.`);
          }}
        />
      )}
      <WebhookPanel
        routine={routine}
        fresh={fresh}
        operator={operator}
        onChanged={(secret) => {
          setFresh(secret);
          get().then(setRoutine, (e) => setError(messageOf(e)));
        }}
      />
      <FireHistory routineId={routine.id} version={version} />
      <RoutineRevisions
        routine={routine}
        operator={operator}
        onRolledBack={(rolled, message) => {
          setRoutine(rolled);
          setNotice(message);
        }}
      />
    </section>
  );
}
