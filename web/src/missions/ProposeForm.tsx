import { useEffect, useState } from 'preact/hooks';
import { api, describeFailure } from '../api/client';

interface ServedRepository {
  name: string;
  runners: { name: string; online: boolean }[];
}

/** The repository field: offers what runners serve, and still takes a name typed in. */
function RepositoryField({ value, onInput }: { value: string; onInput: (v: string) => void }) {
  const [served, setServed] = useState<ServedRepository[] | null>(null);
  useEffect(() => {
    api<{ repositories: ServedRepository[] }>('/api/repositories').then(
      (r) => setServed(r.repositories),
      // Only a hint: without it the field still takes any name.
      () => setServed([]),
    );
  }, []);
  const online = (r: ServedRepository) => r.runners.filter((runner) => runner.online).length;
  return (
    <label>
      Repository
      <input
        name="repository"
        list="served-repositories"
        placeholder="owner/name"
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <datalist id="served-repositories">
        {served?.map((r) => (
          <option key={r.name} value={r.name}>
            {`${r.runners.length} runner(s), ${online(r)} online`}
          </option>
        ))}
      </datalist>
      {served && !served.length && (
        <span class="muted" data-testid="no-served-repositories">
          no runner serves a repository yet
        </span>
      )}
    </label>
  );
}

interface TaskDraft {
  title: string;
  spec: string;
  scope: string;
  agentHint: string;
  /** Not shown: kept from a draft being edited, so its hint is not lost. */
  roleHint?: string;
}

const emptyTask = (): TaskDraft => ({ title: '', spec: '', scope: '', agentHint: '' });

/** A proposed mission as GET /api/missions/{id} gives it: what the form is filled in from. */
interface Draft {
  title: string;
  brief: string;
  repository: string;
  targetBranch: string;
  status: string;
  budgetUsd: number | null;
  budgetTokens: number | null;
  plan: {
    title: string;
    spec: string;
    expectedScope: string[];
    agentHint: string | null;
    roleHint: string | null;
  }[];
}

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
    api<Draft>(`/api/missions/${encodeURIComponent(draftId)}`).then(
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
        setTasks(
          d.plan.map((t) => ({
            title: t.title,
            spec: t.spec,
            scope: t.expectedScope.join(', '),
            agentHint: t.agentHint ?? '',
            ...(t.roleHint ? { roleHint: t.roleHint } : {}),
          })),
        );
      },
      (e) => setError(describeFailure(e)),
    );
  }, [draftId]);

  const setTask = (i: number, key: keyof TaskDraft, value: string) =>
    setTasks(tasks.map((t, j) => (j === i ? { ...t, [key]: value } : t)));

  async function submit(event: Event) {
    event.preventDefault();
    try {
      await api(
        draftId ? `/api/missions/${encodeURIComponent(draftId)}/replace` : '/api/missions',
        {
          method: 'POST',
          body: {
            ...mission,
            // Empty: no budget of that kind.
            budgetUsd: mission.budgetUsd.trim() === '' ? null : Number(mission.budgetUsd),
            budgetTokens: mission.budgetTokens.trim() === '' ? null : Number(mission.budgetTokens),
            tasks: tasks.map((t) => ({
              title: t.title,
              spec: t.spec,
              expectedScope: t.scope
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
              ...(t.agentHint.trim() ? { agentHint: t.agentHint.trim() } : {}),
              ...(t.roleHint ? { roleHint: t.roleHint } : {}),
            })),
          },
        },
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
      <RepositoryField
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
      {tasks.map((t, i) => (
        <fieldset key={i} class="wide task-draft">
          <legend>Task {i + 1}</legend>
          <input
            aria-label={`Task ${i + 1} title`}
            placeholder="title"
            value={t.title}
            onInput={(e) => setTask(i, 'title', e.currentTarget.value)}
          />
          <input
            aria-label={`Task ${i + 1} spec`}
            placeholder="what to do"
            value={t.spec}
            onInput={(e) => setTask(i, 'spec', e.currentTarget.value)}
          />
          <input
            aria-label={`Task ${i + 1} scope`}
            placeholder="scope globs, comma-separated"
            value={t.scope}
            onInput={(e) => setTask(i, 'scope', e.currentTarget.value)}
          />
          <input
            aria-label={`Task ${i + 1} agent`}
            placeholder="agent slug (optional)"
            value={t.agentHint}
            onInput={(e) => setTask(i, 'agentHint', e.currentTarget.value)}
          />
        </fieldset>
      ))}
      <button type="button" class="secondary" onClick={() => setTasks([...tasks, emptyTask()])}>
        Add a task
      </button>
      {error && <p class="error wide">{error}</p>}
      <button type="submit">{draftId ? 'Propose instead of the draft' : 'Propose'}</button>
    </form>
  );
}
