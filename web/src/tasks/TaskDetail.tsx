import { useEffect, useState } from 'preact/hooks';
import { hq, messageOf, ok } from '../api/client';
import { hasRole, me } from '../auth/session';
import { Cost, tokens, usd } from '../spend/cost';
import { Commit } from './Commit';
import { CommentList } from './diff/CommentList';
import { useComments } from './diff/comments';
import { DiffView } from './diff/DiffView';
import { FirstReview } from './FirstReview';
import { ReviewForm } from './ReviewForm';
import { RunLog } from './RunLog';
import { TaskActions } from './TaskActions';
import { needsReview, type Task, type TaskEvent } from './types';
import { WhyPanel } from './why/WhyPanel';

const OPEN = ['PENDING', 'ASSIGNED', 'RUNNING', 'REVIEW', 'CHANGES_REQUESTED'];

/**
 * One task: why it waits (open tasks), its live log, timeline, what it changed (file list with
 * scope flags, the diff with inline comments), and the review form.
 */
export function TaskDetail({ id }: { id: string }) {
  const [task, setTask] = useState<(Task & { events: TaskEvent[] }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Reloaded with the task: a verdict sends comments, a new round settles what it touched.
  const comments = useComments(id, `${task?.headCommit}-${task?.updatedAt}`);
  const load = () =>
    ok(hq.GET('/api/tasks/{id}', { params: { path: { id } } })).then(setTask, (e) =>
      setError(messageOf(e)),
    );
  // Reload when the id changes.
  useEffect(() => {
    void load();
  }, [id]);

  if (error) return <p class="error">{error}</p>;
  if (!task) return <p class="muted">Loading…</p>;
  return (
    <section>
      <a href="/tasks">← Tasks</a>
      <h2>{task.title}</h2>
      <p>
        <span class={`badge state-${task.status.toLowerCase()}`} data-testid="task-status">
          {task.status}
        </span>{' '}
        {task.verdict === 'approve' && <span class="badge">approved, waiting for merge</span>}{' '}
        <span class="muted">
          {task.branch ?? 'no branch yet'}
          {task.headCommit && (
            <>
              {' '}
              at <Commit sha={task.headCommit} testId="task-head" />
              {task.headPushed ? ' (pushed)' : ''}
            </>
          )}{' '}
          ·{' '}
          <Cost
            usd={task.costUsd}
            unknown={task.unknownCostRuns}
            estimated={task.estimatedCostRuns}
            testId="task-cost"
          />{' '}
          · {tokens(task.inputTokens + task.outputTokens)}
        </span>
      </p>
      {task.currentRun && <CurrentRun run={task.currentRun} />}
      {task.lastLine && (
        <p class="last-line" title={task.lastLine}>
          Last line:{' '}
          <span class="mono" data-testid="task-last-line">
            {task.lastLine}
          </span>
        </p>
      )}
      <p class="spec">{task.spec}</p>
      <p class="muted">Expected scope: {task.expectedScope.join(', ')}</p>
      {task.failureReason && <p class="error">{task.failureReason}</p>}
      {task.reviewComments && <p class="notice">Review: {task.reviewComments}</p>}
      {OPEN.includes(task.status) && (
        <WhyPanel taskId={task.id} refreshKey={`${task.status}-${task.updatedAt}`} />
      )}
      <FirstReview taskId={task.id} refreshKey={`${task.status}-${task.updatedAt}`} />
      <DiffView
        task={task}
        comments={comments}
        canComment={needsReview(task) && hasRole(me.value, 'operator')}
      />
      {needsReview(task) && hasRole(me.value, 'operator') ? (
        <ReviewForm task={task} onDone={load} inline={comments} />
      ) : (
        <CommentList comments={comments} head={task.headCommit} />
      )}
      {hasRole(me.value, 'operator') && <TaskActions task={task} onDone={() => void load()} />}
      <RunLog
        taskId={task.id}
        runs={task.runs}
        waiting={['PENDING', 'ASSIGNED', 'CHANGES_REQUESTED'].includes(task.status)}
        onEnd={() => void load()}
      />
      <h3>Timeline</h3>
      <ol class="events">
        {task.events.map((e) => (
          <li key={`${e.at}-${e.to}`}>
            <span class="muted">{new Date(e.at).toLocaleString()}</span> {e.from ?? 'new'} →{' '}
            <strong>{e.to}</strong> by {e.actor}
            {e.reason && <span class="muted"> — {e.reason}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** What the run in flight has used so far, from its heartbeats. */
function CurrentRun({ run }: { run: NonNullable<Task['currentRun']> }) {
  const used =
    run.inputTokens === null && run.outputTokens === null
      ? 'tokens unknown'
      : tokens((run.inputTokens ?? 0) + (run.outputTokens ?? 0));
  return (
    <p class="muted" data-testid="task-current-run">
      This run so far: {used}, {run.costUsd === null ? 'cost unknown' : usd(run.costUsd)}
    </p>
  );
}
