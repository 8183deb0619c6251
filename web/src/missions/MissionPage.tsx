import { useEffect, useState } from 'preact/hooks';
import { describeFailure, hq, messageOf, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { Cost, tokens } from '../spend/cost';
import { useDebounced, useTaskMoves } from '../tasks/live';
import { EditMission, type Saved } from './EditMission';
import { EstimatePanel } from './EstimatePanel';
import { budgetText } from './format';
import { MissionHistory } from './MissionHistory';
import { MissionRevisions } from './MissionRevisions';
import { MissionTasks } from './MissionTasks';
import { DECISIONS, type MissionDetail } from './types';
import './missions.css';

type Verb = 'approve' | 'reject' | 'cancel';
const DONE: Record<Verb, string> = {
  approve: 'Approved: its tasks are queued.',
  reject: 'Rejected.',
  cancel: 'Cancelled: its open tasks are cancelled.',
};

/** What an edit did, for the notice. */
const savedText = (saved: Saved) =>
  !saved.changed
    ? 'Nothing changed: no new revision.'
    : `Saved${typeof saved.revision === 'number' ? ` as revision ${saved.revision}` : ''}.`;

/**
 * One mission: what it is, its plan (and once approved its tasks, live), what it has spent,
 * what it would likely cost, what happened to it and how its plan was edited. While it is
 * PROPOSED an operator can edit the plan, then approve or reject it here.
 */
export function MissionPage({ id }: { id: string }) {
  const [mission, setMission] = useState<MissionDetail | null>(null);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const operator = hasRole(me.value, 'operator');

  const load = () =>
    ok(hq.GET('/api/missions/{id}', { params: { path: { id } } })).then(setMission, (e) =>
      setError(messageOf(e)),
    );
  useEffect(() => {
    void load();
  }, [id]);
  // A move of one of its tasks (or a reconnect, after which moves may have been missed).
  const reload = useDebounced(() => void load());
  const ids = new Set(mission?.tasks.map((t) => t.id));
  useTaskMoves((move) => {
    if (ids.has(move.id)) reload();
  }, reload);

  async function decide(verb: Verb) {
    setBusy(true);
    setError(null);
    try {
      // A decision names the revision shown: an edit since then makes it a 409, not a decision.
      const body = verb === 'cancel' ? {} : { revision: mission?.revision };
      await ok(hq.POST(DECISIONS[verb], { params: { path: { id } }, body }));
      setNotice(DONE[verb]);
    } catch (e) {
      // "Edited meanwhile" among others: the page shows the plan as it is now.
      setError(describeFailure(e));
    } finally {
      setBusy(false);
      await load();
    }
  }

  if (!mission) return error ? <p class="error">{error}</p> : <p class="muted">Loading…</p>;
  const proposed = mission.status === 'PROPOSED';
  const { revision } = mission;
  // Whatever moves the record along: an edit, a decision, a task's move.
  const version = `${revision}-${mission.status}-${mission.tasks.map((t) => t.status).join()}`;
  return (
    <section class="mission-page">
      <a href="/missions">← Missions</a>
      <h2>
        {mission.title}{' '}
        <span class={`badge mission-${mission.status.toLowerCase()}`} data-testid="mission-status">
          {mission.status}
        </span>
      </h2>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && <p class="error">{error}</p>}
      <dl class="facts">
        <dt>Repository</dt>
        <dd>
          {mission.repository} → {mission.targetBranch}
        </dd>
        <dt>Proposed</dt>
        <dd>
          by {mission.proposedBy} · {new Date(mission.createdAt).toLocaleString()}
          {revision > 0 && ` · edited (revision ${revision})`}
        </dd>
        {mission.decidedBy && (
          <>
            <dt>{mission.status === 'REJECTED' ? 'Rejected' : 'Approved'}</dt>
            <dd>
              by {mission.decidedBy}
              {mission.decidedAt && ` · ${new Date(mission.decidedAt).toLocaleString()}`}
              {mission.decisionReason && `: “${mission.decisionReason}”`}
            </dd>
          </>
        )}
        <dt>Budget</dt>
        <dd>{budgetText(mission)}</dd>
        <dt>Spent</dt>
        <dd data-testid="mission-spent">
          <Cost usd={mission.spentUsd} unknown={mission.spent?.unknownCost ?? 0} />
          {mission.budgetUsd !== null && ` of $${mission.budgetUsd.toFixed(2)}`} ·{' '}
          {tokens(mission.spentTokens)}
          {mission.budgetTokens !== null && ` of ${mission.budgetTokens.toLocaleString('en-US')}`}
        </dd>
        {mission.finishReason && (
          <>
            <dt>Ended</dt>
            <dd class={mission.status === 'FAILED' ? 'error' : ''}>{mission.finishReason}</dd>
          </>
        )}
      </dl>
      <p class="spec" data-testid="mission-brief">
        {mission.brief}
      </p>
      {operator && (proposed || mission.status === 'APPROVED' || mission.status === 'FAILED') && (
        <div class="inline mission-actions">
          {proposed && (
            <>
              <button type="button" disabled={busy} onClick={() => void decide('approve')}>
                Approve
              </button>
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() => void decide('reject')}
              >
                Reject
              </button>
              <button type="button" class="secondary" onClick={() => setEditing(!editing)}>
                {editing ? 'Close the editor' : 'Edit'}
              </button>
            </>
          )}
          {!proposed && (
            <button
              type="button"
              class="secondary"
              disabled={busy}
              onClick={() => void decide('cancel')}
            >
              Cancel mission
            </button>
          )}
        </div>
      )}
      {editing && proposed && (
        <EditMission
          key={revision}
          mission={mission}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            setNotice(savedText(saved));
            void load();
          }}
        />
      )}
      <MissionTasks mission={mission} />
      <EstimatePanel missionId={mission.id} version={version} />
      <MissionHistory missionId={mission.id} version={version} />
      <MissionRevisions missionId={mission.id} version={version} />
    </section>
  );
}
