import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { hq, ok } from '../api/client';
import { Cost } from '../spend/cost';
import { needsReview, type Task } from '../tasks/types';
import type { MissionDetail, PlannedTask } from './types';

/** Where review stands, in words; null when the task has not reached review. */
function reviewText(t: Task): string | null {
  if (t.verdict === 'approve') return 'approved, waiting for merge';
  if (t.verdict === 'changes' || t.status === 'CHANGES_REQUESTED') return 'changes requested';
  if (needsReview(t)) return 'waiting for review';
  return null;
}

const Scope = ({ globs }: { globs: string[] }) => (
  <span class="scope" data-testid="task-scope">
    {globs.map((g, i) => (
      <Fragment key={g}>
        {i > 0 && ', '}
        <code>{g}</code>
      </Fragment>
    ))}
  </span>
);

/** A planned task: what it asks, where it may write, who it is meant for. */
function Planned({ task, n }: { task: PlannedTask; n: number }) {
  return (
    <li class="planned-task" data-testid={`planned-${n}`}>
      <strong>
        {n}. {task.title}
      </strong>
      <p class="spec">{task.spec}</p>
      <p class="muted">
        scope <Scope globs={task.expectedScope} />
        {task.agentHint && ` · for agent ${task.agentHint}`}
        {task.roleHint && ` · for the role ${task.roleHint}`}
      </p>
    </li>
  );
}

/** Agents' slugs by id: tasks name their agent by id. */
function useAgentSlugs(wanted: boolean): Map<string, string> {
  const [slugs, setSlugs] = useState(new Map<string, string>());
  useEffect(() => {
    if (!wanted) return;
    // Without names the table still shows ids: a failure here is not worth an error.
    ok(hq.GET('/api/agents')).then(
      (r) => setSlugs(new Map(r.agents.map((a) => [a.id, a.slug]))),
      () => undefined,
    );
  }, [wanted]);
  return slugs;
}

/**
 * The plan while the mission waits for a decision (or was rejected); once approved, its
 * tasks as they are now: status, agent, cost, review, each linking to the task's page.
 */
export function MissionTasks({ mission }: { mission: MissionDetail }) {
  const live = mission.tasks.length > 0;
  const slugs = useAgentSlugs(live);
  if (!live) {
    return (
      <section>
        <h3>Plan: {mission.plan.length} task(s)</h3>
        <ol class="plan">
          {mission.plan.map((t, i) => (
            // The plan's tasks have no ids before approval: their position is their key.
            <Planned key={i} task={t} n={i + 1} />
          ))}
        </ol>
      </section>
    );
  }
  return (
    <section>
      <h3>Tasks</h3>
      <table class="table" data-testid="mission-tasks">
        <thead>
          <tr>
            <th>Task</th>
            <th>Status</th>
            <th>Agent</th>
            <th>Cost</th>
            <th>Review</th>
          </tr>
        </thead>
        <tbody>
          {mission.tasks.map((t) => (
            <tr key={t.id} data-testid={`mission-task-${t.title}`}>
              <td>
                <a href={`/tasks/${t.id}`}>{t.title}</a>
                <div class="muted">
                  scope <Scope globs={t.expectedScope} />
                  {!!t.scopeViolations?.length && (
                    <span class="flag"> {t.scopeViolations.length} outside scope</span>
                  )}
                </div>
              </td>
              <td>
                <span class={`badge state-${t.status.toLowerCase()}`} data-testid="task-status">
                  {t.status}
                </span>
              </td>
              <td>{t.agentId ? (slugs.get(t.agentId) ?? t.agentId) : '—'}</td>
              <td>
                <Cost
                  usd={t.costUsd}
                  unknown={t.unknownCostRuns}
                  estimated={t.estimatedCostRuns}
                  testId="task-cost"
                />
              </td>
              <td>{reviewText(t) ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
