import { emptyTask, type TaskDraft, type TemplateDraft } from './draft';
import { RepositoryInput } from './RepositoryInput';

/** The mission a `mission` routine proposes on each fire: ProposeMission's fields. */
export function TemplateFields({
  value,
  onChange,
}: {
  value: TemplateDraft;
  onChange: (next: TemplateDraft) => void;
}) {
  const set = (key: keyof TemplateDraft) => (e: { currentTarget: { value: string } }) =>
    onChange({ ...value, [key]: e.currentTarget.value });
  const setTask = (i: number, key: keyof TaskDraft, text: string) =>
    onChange({
      ...value,
      tasks: value.tasks.map((t, j) => (j === i ? { ...t, [key]: text } : t)),
    });
  const field = (key: 'title' | 'targetBranch' | 'budgetUsd' | 'budgetTokens', label: string) => (
    <label>
      {label}
      <input name={`template.${key}`} value={value[key]} onInput={set(key)} />
    </label>
  );
  return (
    <fieldset class="wide form-grid routine-template">
      <legend>Mission each fire proposes</legend>
      {field('title', 'Mission title')}
      <RepositoryInput
        name="template.repository"
        value={value.repository}
        onInput={(repository) => onChange({ ...value, repository })}
      />
      {field('targetBranch', 'Target branch')}
      {field('budgetUsd', 'Budget (USD, empty for none)')}
      {field('budgetTokens', 'Budget (tokens, empty for none)')}
      <label class="wide">
        Brief
        <textarea name="template.brief" rows={3} value={value.brief} onInput={set('brief')} />
      </label>
      {value.tasks.map((t, i) => (
        // Tasks have no identity before they are saved: their position is their key.
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
            placeholder="agent slug (optional hint)"
            value={t.agentHint}
            onInput={(e) => setTask(i, 'agentHint', e.currentTarget.value)}
          />
          {value.tasks.length > 1 && (
            <button
              type="button"
              class="secondary"
              onClick={() => onChange({ ...value, tasks: value.tasks.filter((_, j) => j !== i) })}
            >
              Remove task {i + 1}
            </button>
          )}
        </fieldset>
      ))}
      <button
        type="button"
        class="secondary"
        onClick={() => onChange({ ...value, tasks: [...value.tasks, emptyTask()] })}
      >
        Add a task
      </button>
    </fieldset>
  );
}
