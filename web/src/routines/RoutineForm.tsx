import { useState } from 'preact/hooks';
import { describeFailure, hq, ok } from '../api/client';
import { changesOf, draftOf, inputOf, type RoutineDraft } from './draft';
import { PlanningFields } from './PlanningFields';
import { ScheduleFields } from './ScheduleFields';
import { TemplateFields } from './TemplateFields';
import type { Routine } from './types';

export interface Saved {
  routine: Routine;
  /** Only when this save created the webhook: its secret, shown this once. */
  webhookSecret: string | null;
}

/**
 * Creates a routine, or edits one (`routine` given): an edit sends only what changed, with the
 * reason the revision keeps. Field errors come from the server, naming the field.
 */
export function RoutineForm({
  routine,
  onSaved,
  onCancel,
}: {
  routine?: Routine;
  onSaved: (saved: Saved) => void;
  onCancel: () => void;
}) {
  const [initial] = useState(() => draftOf(routine));
  const [draft, setDraft] = useState<RoutineDraft>(initial);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<RoutineDraft>) => setDraft({ ...draft, ...patch });

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (routine) {
        const changes = changesOf(initial, draft);
        if (!Object.keys(changes).length) {
          setError('Nothing changed.');
          return;
        }
        const saved = await ok(
          hq.PATCH('/api/routines/{id}', {
            params: { path: { id: routine.id } },
            body: { ...changes, ...(reason.trim() ? { reason: reason.trim() } : {}) },
          }),
        );
        onSaved({ routine: saved, webhookSecret: null });
      } else {
        onSaved(await ok(hq.POST('/api/routines', { body: inputOf(draft) })));
      }
    } catch (e) {
      setError(describeFailure(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="panel form-grid"
      aria-label={routine ? 'Edit routine' : 'New routine'}
      onSubmit={submit}
    >
      <label>
        Name
        <input
          name="name"
          value={draft.name}
          onInput={(e) => set({ name: e.currentTarget.value })}
        />
      </label>
      <label>
        Kind
        <select
          name="kind"
          value={draft.kind}
          onChange={(e) => set({ kind: e.currentTarget.value as RoutineDraft['kind'] })}
        >
          <option value="mission">mission: proposes the same mission each time</option>
          <option value="planning">planning: an agent reads the repository and proposes</option>
        </select>
      </label>
      {draft.kind === 'mission' ? (
        <TemplateFields value={draft.template} onChange={(template) => set({ template })} />
      ) : (
        <PlanningFields
          agent={draft.agent}
          repository={draft.repository}
          targetBranch={draft.targetBranch}
          onChange={set}
        />
      )}
      <ScheduleFields value={draft} onChange={set} />
      {!routine && (
        <label class="check wide">
          <input
            type="checkbox"
            name="webhook"
            checked={draft.webhook}
            onChange={(e) => set({ webhook: e.currentTarget.checked })}
          />
          Webhook: a signed POST fires it (the secret is shown once, after saving)
        </label>
      )}
      {draft.kind === 'mission' && (
        <label class="check wide">
          <input
            type="checkbox"
            name="preApproved"
            checked={draft.preApproved}
            onChange={(e) => set({ preApproved: e.currentTarget.checked })}
          />
          Pre-approved: each fire's mission is approved at once, in your name (audited)
        </label>
      )}
      {routine && (
        <label class="wide">
          Reason (kept with the revision)
          <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
      )}
      {error && <p class="error wide">{error}</p>}
      <div class="inline wide">
        <button type="submit" disabled={busy}>
          {routine ? 'Save' : 'Create routine'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
