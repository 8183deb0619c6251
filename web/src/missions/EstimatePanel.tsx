import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { usd } from '../spend/cost';
import type { Estimate, TaskEstimate } from './types';

const range = (low: number | null, high: number | null) =>
  low === null || high === null ? '' : `${usd(low)}–${usd(high)}`;

/** How a task's low and high were taken. */
const HOW = { 'p10-p90': '10th–90th percentile', 'min-max': 'lowest–highest' } as const;

/** Whose past tasks the figure comes from. */
function basisText(t: TaskEstimate): string {
  if (t.basis === 'none') return 'no history';
  const whom = t.basis === 'agent' ? `agent ${t.who ?? '?'}` : `role ${t.who ?? '?'}`;
  return `${whom}, ${t.samples} past task${t.samples === 1 ? '' : 's'}`;
}

/**
 * What the mission would likely cost, from what finished tasks cost the agents (or roles) its
 * tasks would go to, and the warnings when that exceeds a budget: read before approving.
 */
export function EstimatePanel({ missionId, version }: { missionId: string; version: string }) {
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Again after every edit or decision: the plan, and what agents have left, move.
  useEffect(() => {
    ok(hq.GET('/api/missions/{id}/estimate', { params: { path: { id: missionId } } })).then(
      (e) => {
        setEstimate(e);
        setError(null);
      },
      (e) => setError(messageOf(e)),
    );
  }, [missionId, version]);

  return (
    <section class="estimate" data-testid="mission-estimate">
      <h3>Estimate</h3>
      {error && <p class="error">{error}</p>}
      {estimate && (
        <>
          <p data-testid="estimate-total">
            {estimate.total
              ? `~${usd(estimate.total.medianUsd)} (range ${range(estimate.total.lowUsd, estimate.total.highUsd)}) from ${estimate.pastTasks} past task${estimate.pastTasks === 1 ? '' : 's'}`
              : 'No cost history for these agents: no estimate.'}
            {estimate.budgetUsd !== null && ` · budget ${usd(estimate.budgetUsd)}`}
          </p>
          {estimate.total && estimate.noHistory.length > 0 && (
            <p class="muted">Not counted (no history): {estimate.noHistory.join(', ')}</p>
          )}
          {estimate.warnings.map((w) => (
            <p key={w} class="warning" data-testid="estimate-warning">
              {w}
            </p>
          ))}
          <table class="table">
            <thead>
              <tr>
                <th>Task</th>
                <th>From</th>
                <th>Median</th>
                <th>Range</th>
              </tr>
            </thead>
            <tbody>
              {estimate.tasks.map((t, i) => (
                // Planned tasks have no ids: their position is their key.
                <tr key={i}>
                  <td>{t.title}</td>
                  <td>{basisText(t)}</td>
                  <td>{t.medianUsd === null ? '—' : usd(t.medianUsd)}</td>
                  <td>
                    {range(t.lowUsd, t.highUsd) || '—'}
                    {t.range && <span class="muted"> ({HOW[t.range]})</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
