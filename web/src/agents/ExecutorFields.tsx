import {
  EXECUTOR_PRESETS,
  type ExecutorConfig,
  type ExecutorPreset,
  PRESET_LIMITS,
} from '../../../worker/agents/catalog';

/** The executor as the form edits it: text inputs, turned into the API's value by `executorOf`. */
export interface ExecutorDraft {
  /** Empty: the runner's own default (its --executor). */
  preset: ExecutorPreset | '';
  maxTurns: string;
  /** One argument per line: an argument may hold spaces or commas. */
  extraArgs: string;
  command: string;
}

export const executorDraft = (executor: ExecutorConfig | null): ExecutorDraft => ({
  preset: executor?.preset ?? '',
  maxTurns: executor?.maxTurns === undefined ? '' : String(executor.maxTurns),
  extraArgs: (executor?.extraArgs ?? []).join('\n'),
  command: executor?.command ?? '',
});

/** The API's value; options a preset does not take are left out (the server would refuse them). */
export function executorOf(draft: ExecutorDraft): ExecutorConfig | null {
  if (!draft.preset) return null;
  const limits = PRESET_LIMITS[draft.preset];
  const args = draft.extraArgs
    .split('\n')
    .map((arg) => arg.trim())
    .filter(Boolean);
  return {
    preset: draft.preset,
    ...(limits.maxTurns && draft.maxTurns.trim() ? { maxTurns: Number(draft.maxTurns) } : {}),
    ...(limits.extraArgs && args.length ? { extraArgs: args } : {}),
    ...(draft.preset === 'command' ? { command: draft.command.trim() } : {}),
  };
}

/** A short name for the roster and the agent page. */
export const executorLabel = (executor: ExecutorConfig | null) =>
  executor ? executor.preset : 'runner default';

/** Picks the preset and its options; only the options the chosen preset takes are shown. */
export function ExecutorFields({
  draft,
  onChange,
  disabled,
}: {
  draft: ExecutorDraft;
  onChange: (draft: ExecutorDraft) => void;
  disabled: boolean;
}) {
  const set = (key: keyof ExecutorDraft) => (e: Event) =>
    onChange({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
  const limits = draft.preset ? PRESET_LIMITS[draft.preset] : undefined;
  return (
    <>
      <label>
        Executor
        <select name="executor" value={draft.preset} onChange={set('preset')} disabled={disabled}>
          <option value="">runner default (its --executor)</option>
          {EXECUTOR_PRESETS.map((preset) => (
            <option key={preset} value={preset}>
              {preset}
            </option>
          ))}
        </select>
      </label>
      {limits?.maxTurns && (
        <label>
          {draft.preset === 'openai' ? 'Step limit' : 'Turn limit'}{' '}
          <input
            name="maxTurns"
            type="number"
            min={1}
            max={1000}
            value={draft.maxTurns}
            onInput={set('maxTurns')}
            disabled={disabled}
          />
        </label>
      )}
      {draft.preset === 'command' && (
        <label class="wide">
          Command (run in the worktree, prompt on standard input){' '}
          <input
            name="command"
            value={draft.command}
            onInput={set('command')}
            disabled={disabled}
          />
        </label>
      )}
      {limits?.extraArgs && (
        <label class="wide">
          Extra arguments (one per line; credentials go in the runner’s environment, not here)
          <textarea
            name="extraArgs"
            rows={2}
            class="mono"
            value={draft.extraArgs}
            onInput={set('extraArgs')}
            disabled={disabled}
          />
        </label>
      )}
    </>
  );
}
