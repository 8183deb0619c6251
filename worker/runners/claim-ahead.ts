import type { McpServersConfig } from '../agents/fields';
import { unseal } from '../secrets/seal';
import { RUNNER_GONE_MS } from '../tasks/runner-waits';
import { AGENT, type CandidateRow, candidatesSql } from './candidates';
import { liveRunnerSql } from './guard';
import { takeStatements } from './take';

// A claim in one round trip (`npm run bench`, core path: claim). A claim reads the oldest
// tasks its runner can run and takes the first it wins: two round trips, the read and then the
// take. The task the next claim of the same runner will most likely take is the one after the
// task this claim took, so the isolate remembers it, per runner token, and the next claim sends
// its take in the same batch as its read, guarded: it moves the task only if, inside that
// batch, it is still the oldest task this runner can run (the read's own query), still has no
// head to continue from, and its runs, mission target branch and agent's sealed MCP servers are
// what was remembered (so the remembered values the move writes are today's, and the agent's
// secrets, opened before the batch, still open). When the guard fails nothing moves and the
// claim goes on from its read as before. The memory only picks what to try: every fact the
// move depends on is checked by the database in the move's own transaction.

/** What a take of the remembered task writes, and what its guard checks against. */
interface Ahead {
  runnerId: string;
  taskId: string;
  runs: number;
  targetBranch: string;
  agentId: string | null;
  sealed: string | null;
}

/** The next task per runner token hash; oldest dropped first. */
const ahead = new Map<string, Ahead>();
const AHEAD_KEPT = 500;

/**
 * Remembers the task after the one a claim took (`next`), if it has no head to continue from;
 * forgets this runner's entry otherwise.
 */
export function rememberNext(tokenHash: string, runnerId: string, next: CandidateRow | undefined) {
  ahead.delete(tokenHash);
  if (!next || next.head_commit) return;
  ahead.set(tokenHash, {
    runnerId,
    taskId: next.id,
    runs: next.runs,
    targetBranch: next.target_branch,
    agentId: next.agent_id,
    sealed: (next[`${AGENT}mcp_servers_sealed`] as string | null) ?? null,
  });
  if (ahead.size > AHEAD_KEPT) ahead.delete(ahead.keys().next().value as string);
}

/** How many runners have a task remembered (its test reads it: the memory stays bounded). */
export const rememberedNextCount = () => ahead.size;

/**
 * The guarded take of this runner's remembered task, for the claim's first batch after its
 * read, with the agent's MCP servers opened; undefined when nothing is remembered or they no
 * longer open (the claim then takes as before, and fails that task with the reason).
 */
export async function takeAhead(env: Env, tokenHash: string, now: number) {
  const next = ahead.get(tokenHash);
  if (!next) return undefined;
  // Opened now, for the answer if the take wins: its guard keeps the sealed value the same.
  let opened: McpServersConfig = {};
  if (next.sealed) {
    try {
      opened = await unseal<McpServersConfig>(env, next.sealed);
    } catch {
      ahead.delete(tokenHash);
      return undefined;
    }
  }
  const guard = {
    sql: `id = (${candidatesSql(1, 't.id')})
      AND head_commit IS NULL AND runs = ? AND agent_id IS ?
      AND (SELECT target_branch FROM missions WHERE id = tasks.mission_id) = ?
      AND (SELECT mcp_servers_sealed FROM agents WHERE id = tasks.agent_id) IS ?
      AND ${liveRunnerSql('?')} = ?`,
    values: [
      tokenHash,
      now - RUNNER_GONE_MS,
      next.runs,
      next.agentId,
      next.targetBranch,
      next.sealed,
      tokenHash,
      next.runnerId,
    ],
  };
  const take = takeStatements(
    env.DB,
    { id: next.taskId, runs: next.runs, target_branch: next.targetBranch },
    // No head to continue from, so the event's reason is that of a first run (claimReason).
    { runnerId: next.runnerId, now, reason: 'claimed' },
    guard,
  );
  return { ...take, taskId: next.taskId, opened };
}
