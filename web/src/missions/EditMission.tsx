import { useState } from 'preact/hooks';
import { describeFailure, hq, ok } from '../api/client';
import { budgetOf } from './format';
import { draftOf, plannedOf, type TaskDraft, TaskDraftFields } from './TaskDrafts';
import type { MissionDetail } from './types';

/** What PATCH answers: the mission, and whether the edit changed anything. */
export interface Saved {
  changed: boolean;
  revision?: number;
}

const text = (n: number | null) => (n === null ? '' : String(n));

/**
 * Edits a PROPOSED mission's plan (the repository stays). Only what differs from the plan
 * shown is sent, with the reason: the server makes it the next revision, or says nothing
 * changed. Field errors come from the server, naming the field (e.g. tasks.0.expectedScope).
 */
export function EditMission({
  mission,
  onSaved,
  onCancel,
}: {
  mission: MissionDetail;
  onSaved: (saved: Saved) => void;
  onCancel: () => void;
}) {
  const [fields, setFields] = useState({
    title: mission.title,
    brief: mission.brief,
    targetBranch: mission.targetBranch,
    budgetUsd: text(mission.budgetUsd),
    budgetTokens: text(mission.budgetTokens),
  });
  const [tasks, setTasks] = useState<TaskDraft[]>(() => mission.plan.map(draftOf));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** The edited fields only: an untouched field is not part of the edit. */
  function changes(): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const key of ['title', 'brief', 'targetBranch'] as const) {
      if (fields[key] !== mission[key]) body[key] = fields[key];
    }
    for (const key of ['budgetUsd', 'budgetTokens'] as const) {
      if (fields[key].trim() !== text(mission[key])) body[key] = budgetOf(fields[key]);
    }
    const planned = tasks.map(plannedOf);
    const shown = mission.plan.map(draftOf).map(plannedOf);
    if (JSON.stringify(planned) !== JSON.stringify(shown)) body.tasks = planned;
    return body;
  }

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await ok(
        hq.PATCH('/api/missions/{id}', {
          params: { path: { id: mission.id } },
          body: { ...changes(), ...(reason.trim() ? { reason: reason.trim() } : {}) },
        }),
      );
      onSaved(saved);
    } catch (e) {
      setError(describeFailure(e));
    } finally {
      setBusy(false);
    }
  }

  const field = (key: keyof typeof fields, label: string) => (
    <label>
      {label}
      <input
        name={key}
        value={fields[key]}
        onInput={(e) => setFields({ ...fields, [key]: e.currentTarget.value })}
      />
    </label>
  );

  return (
    <form class="panel form-grid" aria-label="Edit the mission" onSubmit={submit}>
      <p class="wide muted">
        The repository stays {mission.repository}. Saving makes a new revision; approval uses the
        plan as it is then.
      </p>
      {field('title', 'Title')}
      {field('targetBranch', 'Target branch')}
      {field('budgetUsd', 'Budget (USD, empty for none)')}
      {field('budgetTokens', 'Budget (tokens in and out, empty for none)')}
      <label class="wide">
        Brief
        <textarea
          name="brief"
          rows={3}
          value={fields.brief}
          onInput={(e) => setFields({ ...fields, brief: e.currentTarget.value })}
        />
      </label>
      <TaskDraftFields tasks={tasks} onChange={setTasks} />
      <label class="wide">
        Reason (shown with the revision)
        <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      {error && <p class="error wide">{error}</p>}
      <div class="inline wide">
        <button type="submit" disabled={busy}>
          Save the plan
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
