import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { Cost, tokens } from '../spend/cost';
import { TASK_STATES, type Task } from '../tasks/types';
import { SpendChart } from './SpendChart';

interface Sums {
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  unknownCost: number;
  unknownCostTokens: number;
  estimatedCost: number;
}

interface Spend {
  total: Sums;
  byDay: ({ day: string } & Sums)[];
  byAgent: ({ slug: string | null } & Sums)[];
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
  const total = spend?.total;
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
          <strong>${(total?.costUsd ?? 0).toFixed(2)}</strong> spent in 30 days
        </div>
        {total && total.unknownCost > 0 && (
          <div class="kpi" data-testid="kpi-unknown-cost">
            <strong>{total.unknownCost}</strong> {total.unknownCost === 1 ? 'run' : 'runs'} of
            unknown cost ({tokens(total.unknownCostTokens)}): not in the money
          </div>
        )}
      </div>
      <div class="panel">
        <h3>Spend per day</h3>
        <SpendChart days={spend?.byDay ?? []} />
      </div>
      {spend && spend.byAgent.length > 0 && (
        <div class="panel">
          <h3>Spend by agent (30 days)</h3>
          <table class="table" aria-label="Spend by agent">
            <tbody>
              {spend.byAgent.map((a) => (
                <tr key={a.slug ?? 'hq'}>
                  <td>{a.slug ?? 'HQ itself (CEO)'}</td>
                  <td>
                    <Cost
                      usd={a.costUsd}
                      unknown={a.unknownCost}
                      unknownTokens={a.unknownCostTokens}
                      estimated={a.estimatedCost}
                      testId={`spend-${a.slug ?? 'hq'}`}
                    />
                  </td>
                  <td class="muted">{tokens(a.inputTokens + a.outputTokens)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
