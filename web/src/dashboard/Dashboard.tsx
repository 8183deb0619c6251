import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { TASK_STATES, type Task } from '../tasks/types';
import { SpendChart } from './SpendChart';

interface Spend {
  total: { costUsd: number; inputTokens: number; outputTokens: number };
  byDay: { day: string; costUsd: number }[];
  byAgent: { slug: string | null; costUsd: number }[];
}

/** The company at a glance: work by state, what waits for the operator, money spent. */
export function Dashboard() {
  const [tasks, setTasks] = useState<Task[]>([]);
  const [proposed, setProposed] = useState(0);
  const [spend, setSpend] = useState<Spend | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([
      api<{ items: Task[] }>('/api/tasks?limit=200').then((r) => setTasks(r.items)),
      api<{ items: unknown[] }>('/api/missions?status=PROPOSED&limit=100').then((r) =>
        setProposed(r.items.length),
      ),
      api<Spend>('/api/spend').then(setSpend),
    ]).catch((e) => setError(messageOf(e)));
  }, []);

  const count = (state: string) => tasks.filter((t) => t.status === state).length;
  return (
    <section>
      <h2>Dashboard</h2>
      {error && <p class="error">{error}</p>}
      <div class="kpis">
        <a class="kpi" href="/missions">
          <strong data-testid="kpi-proposed">{proposed}</strong> missions to decide
        </a>
        <a class="kpi" href="/review">
          <strong>{tasks.filter((t) => t.status === 'REVIEW' && t.verdict === null).length}</strong>{' '}
          tasks to review
        </a>
        <div class="kpi">
          <strong>{count('RUNNING')}</strong> running
        </div>
        <div class="kpi">
          <strong>${(spend?.total.costUsd ?? 0).toFixed(2)}</strong> spent in 30 days
        </div>
      </div>
      <div class="panel">
        <h3>Spend per day</h3>
        <SpendChart days={spend?.byDay ?? []} />
      </div>
      <div class="panel">
        <h3>Throughput</h3>
        <table class="table">
          <tbody>
            <tr>
              {TASK_STATES.map((s) => (
                <th key={s}>{s.replace('_', ' ')}</th>
              ))}
            </tr>
            <tr>
              {TASK_STATES.map((s) => (
                <td key={s}>{count(s)}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}
