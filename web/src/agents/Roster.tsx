import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { MonthSpend } from './MonthSpend';
import { NewAgentForm } from './NewAgentForm';
import type { Agent } from './types';

/** The roster: one card per agent with what an operator checks first. */
export function Roster() {
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const load = () =>
    ok(hq.GET('/api/agents')).then(
      (r) => setAgents(r.agents),
      (e) => setError(messageOf(e)),
    );
  useEffect(() => {
    void load();
  }, []);

  return (
    <section>
      <div class="heading-row">
        <h2>Agents</h2>
        {hasRole(me.value, 'operator') && (
          <button type="button" onClick={() => setCreating(!creating)}>
            {creating ? 'Close' : 'New agent'}
          </button>
        )}
      </div>
      {creating && (
        <NewAgentForm
          onCreated={() => {
            setCreating(false);
            void load();
          }}
        />
      )}
      {error && <p class="error">{error}</p>}
      <div class="cards">
        {agents?.map((a) => (
          <a
            key={a.id}
            class="card agent-card"
            href={`/agents/${a.slug}`}
            data-testid={`agent-${a.slug}`}
          >
            <div class="card-title">
              <strong>{a.name}</strong>
              <span class={`badge type-${a.type.toLowerCase()}`}>{a.type}</span>
            </div>
            <div class="muted">{a.role}</div>
            <div class="mono">
              {a.model} · {a.provider}
            </div>
            {a.unreadableSecrets.length > 0 && (
              <div class="badge unreadable">MCP secrets unreadable</div>
            )}
            <div class={a.workerEnabled ? 'status on' : 'status off'}>
              {a.workerEnabled ? 'Worker on' : 'Worker off'}
            </div>
            <div class="spend">
              <MonthSpend agent={a} />
            </div>
          </a>
        ))}
      </div>
      {agents && !agents.length && <p class="muted">No agents yet.</p>}
    </section>
  );
}
