import { useEffect, useState } from 'preact/hooks';
import { hq, ok } from '../api/client';
import type { Schema } from '../api/schema';
import { RepositoryInput } from '../missions/RepositoryInput';

type AgentChoice = Pick<Schema<'Agent'>, 'slug' | 'name' | 'type' | 'role' | 'archivedAt'>;

/** Who may plan: a LEAD agent, or one whose role names the CEO (the server checks it too). */
const plans = (a: AgentChoice) => !a.archivedAt && (a.type === 'LEAD' || /\bceo\b/i.test(a.role));

/** A `planning` routine: the agent that reads the repository and proposes missions itself. */
export function PlanningFields({
  agent,
  repository,
  targetBranch,
  onChange,
}: {
  agent: string;
  repository: string;
  targetBranch: string;
  onChange: (next: { agent?: string; repository?: string; targetBranch?: string }) => void;
}) {
  const [agents, setAgents] = useState<AgentChoice[] | null>(null);
  useEffect(() => {
    ok(hq.GET('/api/agents')).then(
      (r) => setAgents(r.agents.filter(plans)),
      () => setAgents([]),
    );
  }, []);
  return (
    <fieldset class="wide form-grid">
      <legend>Planning</legend>
      <label>
        Planning agent
        <select
          name="agent"
          value={agent}
          onChange={(e) => onChange({ agent: e.currentTarget.value })}
        >
          <option value="">choose a LEAD agent</option>
          {agents?.map((a) => (
            <option key={a.slug} value={a.slug}>
              {`${a.name} (${a.slug}, ${a.role})`}
            </option>
          ))}
        </select>
      </label>
      <RepositoryInput
        name="repository"
        value={repository}
        onInput={(value) => onChange({ repository: value })}
      />
      <label>
        Branch it reads
        <input
          name="targetBranch"
          value={targetBranch}
          onInput={(e) => onChange({ targetBranch: e.currentTarget.value })}
        />
      </label>
    </fieldset>
  );
}
