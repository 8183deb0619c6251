import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import type { Schema } from '../api/schema';
import type { Task } from './types';

type AgentOption = Pick<Schema<'Agent'>, 'slug' | 'name'>;

const ACTIONS = {
  retry: '/api/tasks/{id}/retry',
  reassign: '/api/tasks/{id}/reassign',
  cancel: '/api/tasks/{id}/cancel',
} as const;

const OPEN = ['PENDING', 'ASSIGNED', 'RUNNING', 'REVIEW', 'CHANGES_REQUESTED'];

/**
 * An operator's way out for a task that went wrong: retry a failed one (optionally with
 * another agent), hand a waiting one to another agent, or cancel an open one. Each is audited
 * and appears in the timeline with the operator's reason.
 */
export function TaskActions({ task, onDone }: { task: Task; onDone: () => void }) {
  const [agents, setAgents] = useState<AgentOption[]>([]);
  const [agent, setAgent] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const canRetry = task.status === 'FAILED';
  const canReassign = task.status === 'PENDING' || task.status === 'ASSIGNED';
  const canCancel = OPEN.includes(task.status);

  useEffect(() => {
    if (!canRetry && !canReassign) return;
    ok(hq.GET('/api/agents')).then(
      (r) => setAgents(r.agents.filter((a) => !a.archivedAt)),
      (e) => setError(messageOf(e)),
    );
  }, [canRetry, canReassign]);

  if (!canRetry && !canReassign && !canCancel) return null;

  async function act(action: 'retry' | 'reassign' | 'cancel') {
    setError(null);
    const body: Record<string, string> = {};
    if (reason.trim()) body.reason = reason.trim();
    if (action !== 'cancel' && agent) body.agent = agent;
    try {
      await ok(hq.POST(ACTIONS[action], { params: { path: { id: task.id } }, body }));
      setReason('');
      onDone();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <div class="task-actions" data-testid="task-actions">
      {(canRetry || canReassign) && (
        <select
          aria-label="Agent"
          value={agent}
          onChange={(e) => setAgent((e.target as HTMLSelectElement).value)}
        >
          <option value="">{canRetry ? 'any agent' : 'choose an agent'}</option>
          {agents.map((a) => (
            <option key={a.slug} value={a.slug}>
              {a.name} ({a.slug})
            </option>
          ))}
        </select>
      )}
      <input
        aria-label="Reason"
        placeholder="Reason (optional)"
        value={reason}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
      />
      <div class="inline">
        {canRetry && (
          <button type="button" onClick={() => void act('retry')}>
            Retry
          </button>
        )}
        {canReassign && (
          <button type="button" disabled={!agent} onClick={() => void act('reassign')}>
            Reassign
          </button>
        )}
        {canCancel && (
          <button type="button" class="secondary" onClick={() => void act('cancel')}>
            Cancel task
          </button>
        )}
      </div>
      {error && <p class="error">{error}</p>}
    </div>
  );
}
