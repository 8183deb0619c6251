import { useState } from 'preact/hooks';
import { describeFailure, hq, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { type ExecutorDraft, ExecutorFields, executorDraft, executorOf } from './ExecutorFields';
import { type Agent, PROVIDERS } from './types';

interface Draft {
  name: string;
  type: string;
  role: string;
  model: string;
  provider: string;
  tools: string;
  schedule: string;
  workerEnabled: boolean;
  identity: string;
  monthlyBudgetUsd: string;
  monthlyBudgetTokens: string;
  mcpServers: string;
  executor: ExecutorDraft;
  reason: string;
}

const draftOf = (a: Agent): Draft => ({
  name: a.name,
  type: a.type,
  role: a.role,
  model: a.model,
  provider: a.provider,
  tools: a.tools.join(', '),
  schedule: a.schedule ?? '',
  workerEnabled: a.workerEnabled,
  identity: a.identity,
  monthlyBudgetUsd: a.monthlyBudgetUsd === null ? '' : String(a.monthlyBudgetUsd),
  monthlyBudgetTokens: a.monthlyBudgetTokens === null ? '' : String(a.monthlyBudgetTokens),
  mcpServers: JSON.stringify(a.mcpServers, null, 2),
  executor: executorDraft(a.executor),
  reason: '',
});

/** Edits an agent. Only what changed is sent; the server decides whether it is a revision. */
export function EditForm({ agent, onSaved }: { agent: Agent; onSaved: (message: string) => void }) {
  const [draft, setDraft] = useState(() => draftOf(agent));
  const [error, setError] = useState<string | null>(null);
  const admin = hasRole(me.value, 'admin');
  const canEdit = hasRole(me.value, 'operator');
  const set = (key: keyof Draft) => (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    setDraft({ ...draft, [key]: input.type === 'checkbox' ? input.checked : input.value });
  };

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const patch = changedFields(agent, draft, admin);
      const result = await ok(
        hq.PATCH('/api/agents/{slug}', { params: { path: { slug: agent.slug } }, body: patch }),
      );
      onSaved(
        result.revision === null
          ? 'Nothing tracked changed: no new revision.'
          : `Saved as revision ${result.revision}.`,
      );
      setDraft({ ...draft, reason: '' });
    } catch (e) {
      setError(describeFailure(e));
    }
  }

  const text = (key: keyof Draft, label: string) => (
    <label>
      {label}{' '}
      <input name={key} value={draft[key] as string} onInput={set(key)} disabled={!canEdit} />
    </label>
  );

  return (
    <form class="panel form-grid" onSubmit={save} aria-label="Edit agent">
      {text('name', 'Name')}
      {text('role', 'Role')}
      <label>
        Type
        <select name="type" value={draft.type} onChange={set('type')} disabled={!canEdit}>
          <option>LEAD</option>
          <option>WORKER</option>
          <option>REVIEWER</option>
        </select>
      </label>
      {text('model', 'Model')}
      <label>
        Provider
        <select
          name="provider"
          value={draft.provider}
          onChange={set('provider')}
          disabled={!canEdit}
        >
          {PROVIDERS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      {text('tools', 'Tools (comma-separated)')}
      {text('schedule', 'Schedule (cron, empty for none)')}
      {text('monthlyBudgetUsd', 'Monthly budget (USD, empty for none)')}
      {text('monthlyBudgetTokens', 'Monthly budget (tokens in and out, empty for none)')}
      <ExecutorFields
        draft={draft.executor}
        onChange={(executor) => setDraft({ ...draft, executor })}
        disabled={!canEdit}
      />
      <label class="check">
        <input
          name="workerEnabled"
          type="checkbox"
          checked={draft.workerEnabled}
          onChange={set('workerEnabled')}
          disabled={!canEdit}
        />{' '}
        Worker enabled
      </label>
      <label class="wide">
        Identity
        <textarea
          name="identity"
          rows={6}
          value={draft.identity}
          onInput={set('identity')}
          disabled={!canEdit}
        />
      </label>
      <label class="wide">
        MCP servers (JSON; secrets show as [REDACTED] and are kept unless replaced; [UNREADABLE]
        ones need a new value)
        {!admin && ' — admin only'}
        <textarea
          name="mcpServers"
          rows={5}
          class="mono"
          value={draft.mcpServers}
          onInput={set('mcpServers')}
          disabled={!admin}
        />
      </label>
      {canEdit && (
        <>
          <label class="wide">
            Reason for this change{' '}
            <input name="reason" value={draft.reason} onInput={set('reason')} />
          </label>
          {error && <p class="error wide">{error}</p>}
          <button type="submit">Save</button>
        </>
      )}
    </form>
  );
}

/** The PATCH body: only fields whose value differs from the loaded agent. */
function changedFields(agent: Agent, d: Draft, admin: boolean): Record<string, unknown> {
  const next: Record<string, unknown> = {
    name: d.name,
    type: d.type,
    role: d.role,
    model: d.model,
    provider: d.provider,
    tools: d.tools
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    schedule: d.schedule.trim() || null,
    workerEnabled: d.workerEnabled,
    identity: d.identity,
    monthlyBudgetUsd: d.monthlyBudgetUsd.trim() === '' ? null : Number(d.monthlyBudgetUsd),
    monthlyBudgetTokens: d.monthlyBudgetTokens.trim() === '' ? null : Number(d.monthlyBudgetTokens),
  };
  if (admin) next.mcpServers = JSON.parse(d.mcpServers) as unknown;
  // Compared in the form's own shape, so key order and left-out options never count as a change.
  const executor = executorOf(d.executor);
  if (JSON.stringify(executor) !== JSON.stringify(executorOf(executorDraft(agent.executor))))
    next.executor = executor;
  const current = agent as unknown as Record<string, unknown>;
  const patch = Object.fromEntries(
    Object.entries(next).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(current[k])),
  );
  return d.reason.trim() ? { ...patch, reason: d.reason.trim() } : patch;
}
