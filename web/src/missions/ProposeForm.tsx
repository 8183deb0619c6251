import { useEffect, useState } from 'preact/hooks';
import { describeFailure, hq, ok } from '../api/client';
import { budgetOf } from './format';
import { RepositoryInput } from './RepositoryInput';
import { draftOf, emptyTask, plannedOf, type TaskDraft, TaskDraftFields } from './TaskDrafts';
import type { MissionDetail } from './types';

/** A proposed mission as GET /api/missions/{id} gives it: what the form is filled in from. */
type Draft = MissionDetail;

/**
 * Proposes a mission with one or more tasks; field errors come from the server. With `draftId`
 * (a draft's Edit button: /missions?draft=ID) it starts from that proposal, and proposing
 * replaces it: the draft is rejected as "replaced by" the new one.
 */
export function ProposeForm({ onProposed, draftId }: { onProposed: () => void; draftId?: string }) {
  const [mission, setMission] = useState({
    title: '',
    brief: '',
    repository: '',
    targetBranch: 'main',
    budgetUsd: '',
    budgetTokens: '',
  });
  const [tasks, setTasks] = useState<TaskDraft[]>([emptyTask()]);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);

  useEffect(() => {
    if (!draftId) return;
    ok(hq.GET('/api/missions/{id}', { params: { path: { id: draftId } } })).then(
      (d) => {
        setDraft(d);
        setMission({
          title: d.title,
          brief: d.brief,
          repository: d.repository,
          targetBranch: d.targetBranch,
          budgetUsd: d.budgetUsd === null ? '' : String(d.budgetUsd),
          budgetTokens: d.budgetTokens === null ? '' : String(d.budgetTokens),
        });
        setTasks(d.plan.map(draftOf));
      },
      (e) => setError(describeFailure(e)),
    );
  }, [draftId]);

  async function submit(event: Event) {
    event.preventDefault();
    try {
      const body = {
        ...mission,
        budgetUsd: budgetOf(mission.budgetUsd),
        budgetTokens: budgetOf(mission.budgetTokens),
        tasks: tasks.map(plannedOf),
      };
      await ok(
        draftId
          ? hq.POST('/api/missions/{id}/replace', { params: { path: { id: draftId } }, body })
          : hq.POST('/api/missions', { body }),
      );
      onProposed();
    } catch (e) {
      setError(describeFailure(e));
    }
  }

  const field = (key: keyof typeof mission, label: string) => (
    <label>
      {label}
      <input
        name={key}
        value={mission[key]}
        onInput={(e) => setMission({ ...mission, [key]: e.currentTarget.value })}
      />
    </label>
  );

  return (
    <form class="panel form-grid" aria-label="Propose a mission" onSubmit={submit}>
      {draftId && (
        <p class="wide muted" data-testid="editing-draft">
          {draft
            ? `Editing the draft "${draft.title}" (${draft.status}): proposing your version rejects it as replaced.`
            : 'Loading the draft…'}
        </p>
      )}
      {field('title', 'Title')}
      <RepositoryInput
        name="repository"
        value={mission.repository}
        onInput={(repository) => setMission({ ...mission, repository })}
      />
      {field('targetBranch', 'Target branch')}
      {field('budgetUsd', 'Budget (USD, empty for none)')}
      {field('budgetTokens', 'Budget (tokens in and out, empty for none)')}
      <label class="wide">
        Brief
        <textarea
          name="brief"
          rows={3}
          value={mission.brief}
          onInput={(e) => setMission({ ...mission, brief: e.currentTarget.value })}
        />
      </label>
      <TaskDraftFields tasks={tasks} onChange={setTasks} />
      {error && <p class="error wide">{error}</p>}
      <button type="submit">{draftId ? 'Propose instead of the draft' : 'Propose'}</button>
    </form>
  );
}
