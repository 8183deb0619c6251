import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import type { GetOk } from '../api/schema';
import { Cost, tokens } from '../spend/cost';
import { useDebounced, useTaskMoves } from '../tasks/live';
import { TASK_STATES } from '../tasks/types';
import { SpendChart } from './SpendChart';
import { ThroughputChart } from './ThroughputChart';

type Counts = GetOk<'/api/tasks/counts'>;
type Spend = GetOk<'/api/spend'>;

/**
 * The company at a glance: work by state (server-side counts over every task), what waits for
 * the operator, tasks done and money spent per day. Live: each task move recounts.
 */
export function Dashboard() {
  const [counts, setCounts] = useState<Counts | null>(null);
  const [done, setDone] = useState<{ day: string; done: number }[]>([]);
  const [proposed, setProposed] = useState(0);
  const [spend, setSpend] = useState<Spend | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadWork = () =>
    Promise.all([
      ok(hq.GET('/api/tasks/counts')).then(setCounts),
      ok(hq.GET('/api/tasks/throughput', { params: { query: { days: 30 } } })).then((r) =>
        setDone(r.days),
      ),
    ]).catch((e) => setError(messageOf(e)));
  const reload = useDebounced(loadWork);
  useTaskMoves(reload, reload);

  useEffect(() => {
    loadWork();
    Promise.all([
      ok(hq.GET('/api/missions', { params: { query: { status: 'PROPOSED', limit: 100 } } })).then(
        (r) => setProposed(r.items.length),
      ),
      ok(hq.GET('/api/spend')).then(setSpend),
    ]).catch((e) => setError(messageOf(e)));
  }, []);

  const count = (state: keyof Counts['byStatus']) => counts?.byStatus[state] ?? 0;
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
          <strong data-testid="kpi-to-review">{counts?.toReview ?? 0}</strong> tasks to review
        </a>
        <div class="kpi">
          <strong data-testid="kpi-awaiting-merge">{counts?.awaitingMerge ?? 0}</strong> approved,
          waiting for a merge
        </div>
        <div class="kpi">
          <strong data-testid="kpi-running">{count('RUNNING')}</strong> running
        </div>
        <a class="kpi" href="/tasks?status=PENDING">
          <strong data-testid="kpi-pending">{count('PENDING') + count('ASSIGNED')}</strong> waiting
          for an agent
        </a>
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
      <div class="charts">
        <div class="panel">
          <h3>Tasks done per day</h3>
          <ThroughputChart days={done} />
        </div>
        <div class="panel">
          <h3>Spend per day</h3>
          <SpendChart days={spend?.byDay ?? []} />
        </div>
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
        <h3>Tasks by state</h3>
        <table class="table" aria-label="Tasks by state">
          <tbody>
            <tr>
              {TASK_STATES.map((s) => (
                <th key={s}>{s.replace('_', ' ')}</th>
              ))}
            </tr>
            <tr>
              {TASK_STATES.map((s) => (
                <td key={s} data-testid={`state-${s}`}>
                  <a href={`/tasks?status=${s}`}>{count(s)}</a>
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}
