// A mission's planned tasks as a form edits them: the propose form and mission routines'
// templates both use these fields, so a task is written the same way everywhere.

export interface TaskDraft {
  title: string;
  spec: string;
  /** Globs, comma-separated as typed. */
  scope: string;
  agentHint: string;
  /** Not shown: kept from a draft being edited, so its hint is not lost. */
  roleHint?: string;
}

export const emptyTask = (): TaskDraft => ({ title: '', spec: '', scope: '', agentHint: '' });

/** A planned task as the API gives it, as the fields edit it. */
export const draftOf = (t: {
  title: string;
  spec: string;
  expectedScope: string[];
  agentHint?: string | null;
  roleHint?: string | null;
}): TaskDraft => ({
  title: t.title,
  spec: t.spec,
  scope: t.expectedScope.join(', '),
  agentHint: t.agentHint ?? '',
  ...(t.roleHint ? { roleHint: t.roleHint } : {}),
});

/** The fields' task as the API takes it: scope split into globs, empty hints left out. */
export const plannedOf = (t: TaskDraft) => ({
  title: t.title,
  spec: t.spec,
  expectedScope: t.scope
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  ...(t.agentHint.trim() ? { agentHint: t.agentHint.trim() } : {}),
  ...(t.roleHint ? { roleHint: t.roleHint } : {}),
});

/** One fieldset per task (with Remove once there are two), then "Add a task". */
export function TaskDraftFields({
  tasks,
  onChange,
}: {
  tasks: TaskDraft[];
  onChange: (next: TaskDraft[]) => void;
}) {
  const setTask = (i: number, key: keyof TaskDraft, text: string) =>
    onChange(tasks.map((t, j) => (j === i ? { ...t, [key]: text } : t)));
  const input = (i: number, key: keyof TaskDraft, label: string, placeholder: string) => (
    <input
      aria-label={`Task ${i + 1} ${label}`}
      placeholder={placeholder}
      value={tasks[i]?.[key] ?? ''}
      onInput={(e) => setTask(i, key, e.currentTarget.value)}
    />
  );
  return (
    <>
      {tasks.map((_, i) => (
        // Tasks have no identity before they are saved: their position is their key.
        <fieldset key={i} class="wide task-draft">
          <legend>Task {i + 1}</legend>
          {input(i, 'title', 'title', 'title')}
          {input(i, 'spec', 'spec', 'what to do')}
          {input(i, 'scope', 'scope', 'scope globs, comma-separated')}
          {input(i, 'agentHint', 'agent', 'agent slug (optional hint)')}
          {tasks.length > 1 && (
            <button
              type="button"
              class="secondary"
              onClick={() => onChange(tasks.filter((_, j) => j !== i))}
            >
              Remove task {i + 1}
            </button>
          )}
        </fieldset>
      ))}
      <button type="button" class="secondary" onClick={() => onChange([...tasks, emptyTask()])}>
        Add a task
      </button>
    </>
  );
}
