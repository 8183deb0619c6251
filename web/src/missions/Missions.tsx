import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { currentQuery, navigate } from '../router';
import { budgetText, spentText } from './format';
import { ProposeForm } from './ProposeForm';
import { DECISIONS, type Mission } from './types';

/** Missions: propose, and approve or reject what waits for a decision. */
export function Missions() {
  const [missions, setMissions] = useState<Mission[]>([]);
  // A draft's Edit button (the CEO's chat, Telegram) lands here with ?draft=ID: the form opens on it.
  const draftId = currentQuery.value.get('draft') ?? undefined;
  const [proposing, setProposing] = useState(Boolean(draftId));
  const [error, setError] = useState<string | null>(null);
  const operator = hasRole(me.value, 'operator');

  const load = () =>
    ok(hq.GET('/api/missions')).then(
      (r) => setMissions(r.items),
      (e) => setError(messageOf(e)),
    );
  useEffect(() => {
    void load();
  }, []);

  async function decide(m: Mission, verb: 'approve' | 'reject' | 'cancel') {
    try {
      // The card's revision: a plan edited since the list loaded makes the decision a 409.
      const body = verb === 'cancel' ? {} : { revision: m.revision };
      await ok(hq.POST(DECISIONS[verb], { params: { path: { id: m.id } }, body }));
    } catch (e) {
      setError(messageOf(e));
    }
    // Refused too: an "edited meanwhile" card then shows the plan as it is now.
    await load();
  }

  return (
    <section>
      <div class="heading-row">
        <h2>Missions</h2>
        {operator && (
          <button
            type="button"
            onClick={() => {
              if (proposing && draftId) navigate('/missions', true);
              setProposing(!proposing);
            }}
          >
            {proposing ? 'Close' : 'Propose a mission'}
          </button>
        )}
      </div>
      {proposing && (
        <ProposeForm
          key={draftId ?? 'new'}
          {...(draftId ? { draftId } : {})}
          onProposed={() => {
            setProposing(false);
            // The draft is replaced: the address no longer names it.
            if (draftId) navigate('/missions', true);
            void load();
          }}
        />
      )}
      {error && <p class="error">{error}</p>}
      <div class="cards">
        {missions.map((m) => (
          <article key={m.id} class="card mission" data-testid={`mission-${m.title}`}>
            <div class="card-title">
              <a href={`/missions/${m.id}`}>
                <strong>{m.title}</strong>
              </a>
              <span class={`badge mission-${m.status.toLowerCase()}`}>{m.status}</span>
            </div>
            <p class="muted">
              {m.repository} → {m.targetBranch} · proposed by {m.proposedBy}
            </p>
            <p>{m.brief}</p>
            <p class="muted">
              {m.plan.length} task(s) · budget: {budgetText(m)}
            </p>
            {m.status !== 'PROPOSED' && m.status !== 'REJECTED' && (
              <p class="muted" data-testid="mission-spent">
                spent: {spentText(m)}
              </p>
            )}
            {m.finishReason && (
              <p class={m.status === 'FAILED' ? 'error' : 'muted'} data-testid="mission-finish">
                {m.finishReason}
              </p>
            )}
            {m.decidedBy && (
              <p class="muted">
                {m.status === 'REJECTED' ? 'rejected' : 'approved'} by {m.decidedBy}
              </p>
            )}
            {operator && m.status === 'PROPOSED' && (
              <div class="inline">
                <button type="button" onClick={() => void decide(m, 'approve')}>
                  Approve
                </button>
                <button type="button" class="secondary" onClick={() => void decide(m, 'reject')}>
                  Reject
                </button>
              </div>
            )}
            {operator && (m.status === 'APPROVED' || m.status === 'FAILED') && (
              <button type="button" class="secondary" onClick={() => void decide(m, 'cancel')}>
                Cancel mission
              </button>
            )}
          </article>
        ))}
      </div>
      {!missions.length && <p class="muted">No missions yet.</p>}
    </section>
  );
}
