import { agents, tasks } from '../../drizzle/schema';
import { columnsOf, rowOf } from '../db/rows';
import { type InlineComment, inlineCommentStatements } from '../reviews/comments/rounds';
import { RUNNER_GONE_MS } from '../tasks/runner-waits';
import { moveStatements, moveTask } from '../tasks/transition';
import { taskView } from '../tasks/views';
import { type Candidate, claimReason } from './continuation';
import { type RunAgent, runAgent } from './run-agent';
import { mintRunToken, RUN_TOKEN_TTL_MS, requireRunTokenKey } from './run-token';

const POLL_MS = 500;

/** A candidate as the claim reads it: the continuation's fields, its mission, its agent. */
type Row = Candidate & {
  mission_id: string;
  mission_title: string;
  mission_brief: string;
} & Record<string, unknown>;

/** Agent columns in a candidate row carry this prefix (worker/db/rows.ts). */
const AGENT = 'a.';

/**
 * Takes the oldest ASSIGNED task this runner can run: its mission's repository is one the
 * runner serves, and its agent has no executor (the runner's own default runs it) or one of
 * the presets the runner declared. A task that continues an earlier round (it has a head)
 * goes to the runner that holds that head, unless the head was pushed or that runner is gone
 * (continuation.ts). Each attempt is a guarded move (ASSIGNED → RUNNING only if still
 * ASSIGNED), so two claimers never get the same task; a claimer that loses a race tries the
 * next candidate.
 *
 * The runner is `me`: the live runner whose token hashes to ?1, so a runner revoked while its
 * claim waits takes nothing (its token stops working at once), and what it serves and runs is
 * read with the candidates, not bound from an earlier query.
 */
const CANDIDATES = `SELECT t.id, t.runs, t.mission_id, m.target_branch, m.repository, t.agent_id, t.head_commit, t.head_pushed,
       m.title AS mission_title, m.brief AS mission_brief, ${columnsOf(agents, 'a', AGENT)},
       t.runner_id AS holder_id, h.name AS holder_name, h.revoked_at AS holder_revoked_at,
       h.last_seen_at AS holder_seen_at,
       EXISTS (SELECT 1 FROM json_each(h.repositories) s
               WHERE json_extract(s.value, '$.name') = m.repository) AS holder_serves
     FROM runners me
     JOIN tasks t ON t.status = 'ASSIGNED'
     JOIN missions m ON m.id = t.mission_id LEFT JOIN agents a ON a.id = t.agent_id
     LEFT JOIN runners h ON h.id = t.runner_id
     WHERE me.token_hash = ?1 AND me.revoked_at IS NULL
       AND m.repository IN (SELECT json_extract(s.value, '$.name') FROM json_each(me.repositories) s)
       AND (a.executor IS NULL OR json_extract(a.executor, '$.preset') IN
            (SELECT json_extract(p.value, '$.preset') FROM json_each(me.capabilities) p))
       AND (t.head_commit IS NULL OR t.head_pushed = 1 OR t.runner_id IS me.id OR h.id IS NULL
         OR h.revoked_at IS NOT NULL OR coalesce(h.last_seen_at, 0) < ?2
         OR NOT EXISTS (SELECT 1 FROM json_each(h.repositories) s
                        WHERE json_extract(s.value, '$.name') = m.repository))
     ORDER BY t.created_at, t.id LIMIT 25`;

/**
 * One attempt. Two round trips on the core path (`npm run bench`): the candidates, with their
 * mission and agent, in one batch with the runner's own check on the first attempt (and the
 * disk it reported); then the take (one batch). A lost race costs one more take; an agent
 * whose MCP secrets do not open, one more move.
 */
async function claimOnce(
  env: Env,
  tokenHash: string,
  /** The first attempt's statements (the runner's check first), or the runner it admitted. */
  known: Statements | { id: string },
  run: RunContext,
) {
  const now = Date.now();
  const first = Array.isArray(known) ? known : [];
  const answers = await env.DB.batch<Record<string, unknown>>([
    ...first,
    env.DB.prepare(CANDIDATES).bind(tokenHash, now - RUNNER_GONE_MS),
  ]);
  const runner = Array.isArray(known) ? run.admit(answers[0]?.results[0]) : known;
  const results = (answers.at(-1)?.results ?? []) as Row[];
  for (const candidate of results) {
    const prepared = await agentFor(env, candidate);
    if ('problem' in prepared) {
      await moveTask(env.DB, {
        taskId: candidate.id,
        from: 'ASSIGNED',
        to: 'FAILED',
        actor: `runner:${runner.id}`,
        reason: prepared.problem,
        set: { failure_reason: prepared.problem, finished_at: now },
      });
      continue;
    }
    const found = await take(env, candidate, prepared.agent, { ...run, runnerId: runner.id, now });
    if (found) {
      const agentId = found.task.agentId;
      // The agent's Durable Object wakes when this run would go stale without heartbeats. After
      // the answer: the runner needs none of it, and the sweep catches a stale run regardless.
      if (agentId)
        run.defer(
          env.AGENT.get(env.AGENT.idFromName(agentId)).watch(
            agentId,
            now + (found.timeoutSeconds + 1) * 1000,
          ),
        );
      return { runner, found };
    }
  }
  return { runner, found: undefined };
}

/** The candidate's agent ready for a run (null: a task without an agent), or why it cannot run. */
async function agentFor(
  env: Env,
  candidate: Row,
): Promise<{ agent: RunAgent | null } | { problem: string }> {
  // No agent row joined (no agent, or its row is gone): the task runs without one.
  if (!candidate.agent_id || candidate[`${AGENT}id`] == null) return { agent: null };
  return runAgent(env, rowOf(agents, candidate, AGENT));
}

/**
 * One attempt, one batch: the guarded move, then (seeing the moved row) the inline review
 * comments sent with this run and the task as moved. Undefined when another claimer won.
 * The answer is what a runner needs to run the task: the task with those comments, its
 * mission (brief, repository), the agent, and HQ's MCP server with this run's own token
 * (worker/runners/run-token.ts) for the agent's CLI config.
 */
async function take(
  env: Env,
  candidate: Row,
  agent: RunAgent | null,
  run: { runnerId: string; mcpUrl: string; now: number },
) {
  const { runnerId, now } = run;
  const runs = candidate.runs + 1;
  const move = moveStatements(env.DB, {
    taskId: candidate.id,
    from: 'ASSIGNED',
    to: 'RUNNING',
    actor: `runner:${runnerId}`,
    reason: claimReason(candidate, runnerId, now),
    set: {
      runner_id: runnerId,
      branch: `hq/${candidate.id}`,
      base_branch: candidate.target_branch,
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
    values: [candidate.id, runnerId, runs],
  };
  // The token is pure crypto: signed while the batch is out.
  const [answers, token] = await Promise.all([
    env.DB.batch<Record<string, unknown>>([
      ...move,
      ...inlineCommentStatements(env.DB, candidate.id, runs, won),
      env.DB.prepare(`SELECT ${columnsOf(tasks, 't')} FROM tasks t WHERE t.id = ?`).bind(
        candidate.id,
      ),
    ]),
    mintRunToken(env, {
      taskId: candidate.id,
      run: runs,
      runnerId,
      expiresAt: now + RUN_TOKEN_TTL_MS,
    }),
  ]);
  if ((answers[0]?.meta.changes ?? 0) !== 1) return undefined;
  const inlineComments = (answers[move.length + 1]?.results ?? []) as unknown as InlineComment[];
  const moved = answers[move.length + 2]?.results[0];
  if (!moved) return undefined;
  const task = rowOf(tasks, moved);
  return {
    timeoutSeconds: task.timeoutSeconds,
    task: { ...taskView(task), inlineComments },
    mission: {
      id: task.missionId,
      title: candidate.mission_title,
      brief: candidate.mission_brief,
      repository: candidate.repository,
      targetBranch: candidate.target_branch,
    },
    agent,
    mcp: { url: run.mcpUrl, token },
  };
}

export type Claim = NonNullable<Awaited<ReturnType<typeof claimOnce>>['found']>;
type Statements = D1PreparedStatement[];

/** How a claim reaches past its answer: the runner's check, HQ's MCP address, deferred work. */
interface RunContext {
  /** Where agents reach HQ's MCP server: this HQ's origin as the runner reached it, `/mcp`. */
  mcpUrl: string;
  /** Keeps work running after the response (the execution context's waitUntil). */
  defer(work: Promise<unknown>): void;
  /** The runner from its row as the first batch read it (`runnerStatements`); throws 401 without one. */
  admit(raw: Record<string, unknown> | undefined): { id: string };
}

/**
 * Long-polls for work: tries now, then every half second until `waitSeconds` pass. Stops as
 * soon as the runner hangs up (`signal`), so a stopped runner is never handed a task. The
 * first attempt's batch also checks the runner's token and stores its disk (`first`).
 */
export async function claim(
  env: Env,
  tokenHash: string,
  first: Statements,
  waitSeconds: number,
  run: RunContext,
  signal?: AbortSignal,
): Promise<Claim | undefined> {
  // Before any task moves: a claim whose run token cannot be signed would strand its task.
  requireRunTokenKey(env);
  const deadline = Date.now() + waitSeconds * 1000;
  let known: Statements | { id: string } = first;
  for (;;) {
    if (signal?.aborted) return undefined;
    const attempt = await claimOnce(env, tokenHash, known, run);
    known = attempt.runner;
    const found = attempt.found;
    if (found || Date.now() + POLL_MS > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
