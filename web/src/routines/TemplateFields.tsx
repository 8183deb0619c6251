import { RepositoryInput } from '../missions/RepositoryInput';
import { TaskDraftFields } from '../missions/TaskDrafts';
import type { TemplateDraft } from './draft';

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
      <TaskDraftFields tasks={value.tasks} onChange={(tasks) => onChange({ ...value, tasks })} />
    </fieldset>
  );
}
