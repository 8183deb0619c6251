import type { OfficeAgent } from '../../../worker/office/protocol';
import { navigate } from '../router';

const money = (usd: number) => `$${usd.toFixed(2)}`;

function since(iso: string | null): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return new Date(iso).toLocaleString();
}

/** The card of the robot the operator clicked: who it is and what it is doing for real. */
export function AgentCard({
  agent,
  behaviour,
  onClose,
}: {
  agent: OfficeAgent;
  behaviour: string;
  onClose(): void;
}) {
  const go = (path: string) => (event: MouseEvent) => {
    event.preventDefault();
    navigate(path);
  };
  return (
    <aside class="office-card" aria-label={`Agent ${agent.name}`}>
      <header>
        <h3>{agent.name}</h3>
        <button type="button" class="link" onClick={onClose} aria-label="Close the card">
          ×
        </button>
      </header>
      <dl>
        <dt>Role</dt>
        <dd>{agent.role}</dd>
        <dt>Model</dt>
        <dd>{agent.model}</dd>
        <dt>Doing</dt>
        <dd data-testid="card-behaviour">
          {behaviour.replace('_', ' ').toLowerCase()}
          {agent.sleepReason ? ` (${agent.sleepReason})` : ''}
        </dd>
        <dt>Task</dt>
        <dd>
          {agent.task ? (
            <a href={`/tasks/${agent.task.id}`} onClick={go(`/tasks/${agent.task.id}`)}>
              {agent.task.title}
            </a>
          ) : (
            'none'
          )}
          {agent.task?.phase ? ` · ${agent.task.phase}` : ''}
        </dd>
        {agent.task?.lastLine ? (
          <>
            <dt>Last line</dt>
            <dd class="last-line mono" data-testid="card-last-line" title={agent.task.lastLine}>
              {agent.task.lastLine}
            </dd>
          </>
        ) : null}
        <dt>Spend this month</dt>
        <dd>{money(agent.spendThisMonthUsd)}</dd>
        <dt>Last heartbeat</dt>
        <dd>{since(agent.lastHeartbeatAt)}</dd>
        {agent.cooldownUntil ? (
          <>
            <dt>Cooling down until</dt>
            <dd>{new Date(agent.cooldownUntil).toLocaleTimeString()}</dd>
          </>
        ) : null}
      </dl>
      <a href={`/agents/${agent.slug}`} onClick={go(`/agents/${agent.slug}`)}>
        Open {agent.name}’s page
      </a>
    </aside>
  );
}
