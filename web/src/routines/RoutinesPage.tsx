import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { navigate } from '../router';
import { RoutineForm } from './RoutineForm';
import { scheduleText, when } from './schedule';
import { LastFire, workText } from './summary';
import type { Routine } from './types';
import { createdSecret } from './WebhookPanel';
import './routines.css';

/** Routines: recurring work on a schedule, a webhook or an API call; operators create them. */
export function RoutinesPage() {
  const [routines, setRoutines] = useState<Routine[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const operator = hasRole(me.value, 'operator');

  useEffect(() => {
    ok(hq.GET('/api/routines')).then(
      (r) => setRoutines(r.items),
      (e) => setError(messageOf(e)),
    );
  }, []);

  return (
    <section>
      <div class="heading-row">
        <h2>Routines</h2>
        {operator && (
          <button type="button" onClick={() => setCreating(!creating)}>
            {creating ? 'Close' : 'New routine'}
          </button>
        )}
      </div>
      <p class="muted">
        A routine proposes a mission, or asks a lead agent to plan, on a cron schedule, when its
        webhook is called, or when someone fires it.
      </p>
      {creating && (
        <RoutineForm
          onCancel={() => setCreating(false)}
          onSaved={({ routine, webhookSecret }) => {
            // The secret is shown once, on the routine's page: hand it over, never store it.
            if (webhookSecret && routine.webhook)
              createdSecret.value = {
                routineId: routine.id,
                webhookUrl: routine.webhook.url,
                webhookSecret,
              };
            navigate(`/routines/${routine.id}`);
          }}
        />
      )}
      {error && <p class="error">{error}</p>}
      <div class="cards routine-cards">
        {routines?.map((r) => (
          // An article, not a link: the last fire's mission inside is a link of its own.
          <article key={r.id} class="card routine-card" data-testid={`routine-${r.name}`}>
            <div class="card-title">
              <a href={`/routines/${r.id}`}>
                <strong>{r.name}</strong>
              </a>
              <span class="badge">{r.kind}</span>
              {r.paused && <span class="badge paused">paused</span>}
              {r.webhook && <span class="badge">webhook</span>}
              {r.preApproved && <span class="badge">pre-approved</span>}
            </div>
            <p class="muted">{workText(r)}</p>
            <p>{scheduleText(r)}</p>
            <p class="muted">
              next run: {r.paused ? 'none while paused' : r.nextRunAt ? when(r.nextRunAt) : '—'}
            </p>
            <p class="muted small">
              last fire: <LastFire routine={r} />
            </p>
          </article>
        ))}
      </div>
      {routines && !routines.length && <p class="muted">No routines yet.</p>}
    </section>
  );
}
