import { useEffect, useState } from 'preact/hooks';
import { hq, ok } from '../api/client';
import { TASK_STATES } from './types';

/** The board's filters, as the URL holds them (`/tasks?status=…&agent=…`). */
export interface BoardQuery {
  status: string;
  agent: string;
  missionId: string;
  repository: string;
}

export const FILTER_KEYS = ['status', 'agent', 'missionId', 'repository'] as const;

/** Narrows the board: by state, agent, mission and the mission's repository. */
export function BoardFilters({
  value,
  onChange,
}: {
  value: BoardQuery;
  onChange(next: BoardQuery): void;
}) {
  const [agents, setAgents] = useState<{ slug: string; name: string }[]>([]);
  const [missions, setMissions] = useState<{ id: string; title: string }[]>([]);
  const [repositories, setRepositories] = useState<string[]>([]);
  const [repository, setRepository] = useState(value.repository);
  useEffect(() => setRepository(value.repository), [value.repository]);
  useEffect(() => {
    // Choices only: the board works without them, so a failure leaves the lists short.
    ok(hq.GET('/api/agents')).then(
      (r) => setAgents(r.agents),
      () => undefined,
    );
    ok(hq.GET('/api/missions', { params: { query: { limit: 100 } } })).then(
      (r) => setMissions(r.items),
      () => undefined,
    );
    ok(hq.GET('/api/repositories')).then(
      (r) => setRepositories(r.repositories.map((x) => x.name)),
      () => undefined,
    );
  }, []);
  const set = (key: keyof BoardQuery) => (event: Event) =>
    onChange({ ...value, [key]: (event.currentTarget as HTMLSelectElement).value });
  return (
    <form
      class="filters"
      aria-label="Filter tasks"
      onSubmit={(e) => {
        e.preventDefault();
        onChange({ ...value, repository: repository.trim() });
      }}
    >
      <label>
        State{' '}
        <select name="status" value={value.status} onChange={set('status')}>
          <option value="">every state</option>
          {TASK_STATES.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        Agent{' '}
        <select name="agent" value={value.agent} onChange={set('agent')}>
          <option value="">any agent</option>
          {value.agent && !agents.some((a) => a.slug === value.agent) && (
            <option value={value.agent}>{value.agent}</option>
          )}
          {agents.map((a) => (
            <option key={a.slug} value={a.slug}>
              {a.name} ({a.slug})
            </option>
          ))}
        </select>
      </label>
      <label>
        Mission{' '}
        <select name="missionId" value={value.missionId} onChange={set('missionId')}>
          <option value="">any mission</option>
          {value.missionId && !missions.some((m) => m.id === value.missionId) && (
            <option value={value.missionId}>{value.missionId}</option>
          )}
          {missions.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title}
            </option>
          ))}
        </select>
      </label>
      <label>
        Repository{' '}
        <input
          name="repository"
          list="board-repositories"
          placeholder="any repository"
          value={repository}
          onInput={(e) => setRepository(e.currentTarget.value)}
          onChange={(e) => onChange({ ...value, repository: e.currentTarget.value.trim() })}
        />
        <datalist id="board-repositories">
          {repositories.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </label>
    </form>
  );
}
