import { tasks } from '../../drizzle/schema';
import { columnsOf, rowOf } from '../db/rows';
import { type InlineComment, inlineCommentStatements } from '../reviews/comments/rounds';
import { type Move, moveStatements } from '../tasks/transition';
import { taskView } from '../tasks/views';
import type { RunAgent } from './run-agent';
import { mintRunToken, RUN_TOKEN_TTL_MS } from './run-token';

/** What taking a task needs of it: its id, its runs so far, its mission's target branch. */
export interface TakeOf {
  id: string;
  runs: number;
  target_branch: string;
}

/** The candidate's mission as the claim's answer names it. */
export interface MissionOf {
  mission_title: string;
  mission_brief: string;
  repository: string;
  target_branch: string;
}

/**
 * A take as statements for a batch: the guarded move (ASSIGNED → RUNNING only while still
 * ASSIGNED, and while `guard` holds), then (seeing the moved row) the inline review comments
 * sent with this run and the task as moved. `read` finds in the batch's answers (from the
 * take's first statement on) whether this take won, and the task and comments if so.
 */
export function takeStatements(
  db: D1Database,
  of: TakeOf,
  run: { runnerId: string; now: number; reason: string },
  guard?: Move['guard'],
) {
  const { runnerId, now } = run;
  const runs = of.runs + 1;
  const move = moveStatements(db, {
    taskId: of.id,
    from: 'ASSIGNED',
    to: 'RUNNING',
    actor: `runner:${runnerId}`,
    reason: run.reason,
    ...(guard ? { guard } : {}),
    set: {
      runner_id: runnerId,
      branch: `hq/${of.id}`,
      base_branch: of.target_branch,
      last_heartbeat_at: now,
      phase: 'claimed',
      progress: 0,
      // A new run: its log starts afresh (worker/run-logs/), and so does its last line. The
      // move only happens while the task is ASSIGNED, so the count cannot race.
      runs,
      last_line: null,
      // The run's use so far comes with its heartbeats; the last run's is in the ledger.
      run_input_tokens: null,
      run_output_tokens: null,
      run_cost_usd: null,
    },
  });
  // The comments move to this run only if this claim won it (a lost race moves none).
  const won = {
    sql: `EXISTS (SELECT 1 FROM tasks WHERE id = ? AND status = 'RUNNING' AND runner_id = ? AND runs = ?)`,
    values: [of.id, runnerId, runs],
  };
  const statements = [
    ...move,
    ...inlineCommentStatements(db, of.id, runs, won),
    db.prepare(`SELECT ${columnsOf(tasks, 't')} FROM tasks t WHERE t.id = ?`).bind(of.id),
  ];
  return {
    statements,
    /** The run token for this take (pure crypto: start it while the batch is out). */
    token: (env: Env) =>
      mintRunToken(env, {
        taskId: of.id,
        run: runs,
        runnerId,
        expiresAt: now + RUN_TOKEN_TTL_MS,
      }),
    read(answers: D1Result<Record<string, unknown>>[]) {
      if ((answers[0]?.meta.changes ?? 0) !== 1) return undefined;
      const inlineComments = (answers[move.length + 1]?.results ??
        []) as unknown as InlineComment[];
      const moved = answers[move.length + 2]?.results[0];
      return moved ? { task: rowOf(tasks, moved), inlineComments } : undefined;
    },
  };
}

/**
 * What a runner needs to run a task it took: the task with its inline review comments, its
 * mission (brief, repository), the agent, and HQ's MCP server with this run's own token
 * (worker/runners/run-token.ts) for the agent's CLI config.
 */
export function claimAnswer(
  taken: NonNullable<ReturnType<ReturnType<typeof takeStatements>['read']>>,
  mission: MissionOf,
  agent: RunAgent | null,
  mcp: { url: string; token: string },
) {
  const { task, inlineComments } = taken;
  return {
    timeoutSeconds: task.timeoutSeconds,
    task: { ...taskView(task), inlineComments },
    mission: {
      id: task.missionId,
      title: mission.mission_title,
      brief: mission.mission_brief,
      repository: mission.repository,
      targetBranch: mission.target_branch,
    },
    agent,
    mcp,
  };
}
