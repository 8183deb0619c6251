import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { EditForm } from './EditForm';
import { executorLabel } from './ExecutorFields';
import { MonthSpend } from './MonthSpend';
import { RevisionTimeline } from './RevisionTimeline';
import type { Agent } from './types';
import { UnreadableSecrets } from './UnreadableSecrets';

/** One agent: its config (editable by operators) and its permanent record. */
export function AgentPage({ slug }: { slug: string }) {
  const [agent, setAgent] = useState<Agent | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    ok(hq.GET('/api/agents/{slug}', { params: { path: { slug } } })).then(setAgent, (e) =>
      setError(messageOf(e)),
    );
  // Reload when the slug changes.
  useEffect(() => {
    void load();
  }, [slug]);

  const changed = (message: string) => {
    setNotice(message);
    void load();
  };

  if (error) return <p class="error">{error}</p>;
  if (!agent) return <p class="muted">Loading…</p>;
  return (
    <section>
      <a href="/agents">← Agents</a>
      <h2>
        {agent.name} <span class="muted">({agent.slug})</span>
      </h2>
      <p class="muted">
        {agent.role} · revision {agent.revision} ·{' '}
        <span data-testid="agent-executor">executor {executorLabel(agent.executor)}</span> ·{' '}
        <MonthSpend agent={agent} />
      </p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {agent.unreadableSecrets.length > 0 && <UnreadableSecrets paths={agent.unreadableSecrets} />}
      <EditForm key={agent.revision} agent={agent} onSaved={changed} />
      <RevisionTimeline slug={agent.slug} version={agent.revision} onRolledBack={changed} />
    </section>
  );
}
