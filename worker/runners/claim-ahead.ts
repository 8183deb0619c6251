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
//
// Runners that claim at the same time read the same list. So that they do not all remember,
// and then race for, the same task, a task is spoken for while a claim in this isolate is
// taking it, or for SPOKEN_FOR_MS after another runner's claim remembered it: the others
// remember the next one instead, the guard's "oldest" leaves spoken-for tasks out, and a claim
// that goes on from its read tries them last. A runner that stops claiming holds nothing for
// longer than that.

/** What a take of the remembered task writes, and what its guard checks against. */
interface Ahead {
  runnerId: string;
  taskId: string;
  runs: number;
  targetBranch: string;
  agentId: string | null;
  sealed: string | null;
  /** When it was remembered (ms). */
  at: number;
}

/** The next task per runner token hash; oldest dropped first. */
const ahead = new Map<string, Ahead>();
const AHEAD_KEPT = 500;
const SPOKEN_FOR_MS = 5_000;
/** Tasks whose take is out right now, from claims in this isolate. */
const taking = new Set<string>();

/** Tasks other runners' claims in this isolate are taking, or remembered just now. */
export function spokenFor(tokenHash: string, now: number): Set<string> {
  const ids = new Set(taking);
  for (const [holder, next] of ahead) {
    if (holder !== tokenHash && now - next.at < SPOKEN_FOR_MS) ids.add(next.taskId);
  }
  return ids;
}

/** Marks a task as being taken while `take` runs. */
export async function whileTaking<T>(taskId: string, take: () => Promise<T>): Promise<T> {
  taking.add(taskId);
  try {
    return await take();
  } finally {
    taking.delete(taskId);
  }
}

/**
 * Remembers the first of `rest` (the candidates after the one a claim took, oldest first) that
 * has no head to continue from and is not spoken for; forgets this runner's entry if none is.
 */
export function rememberNext(
  tokenHash: string,
  runnerId: string,
  rest: CandidateRow[],
  now = Date.now(),
) {
  ahead.delete(tokenHash);
  const busy = spokenFor(tokenHash, now);
  const next = rest.find((candidate) => !candidate.head_commit && !busy.has(candidate.id));
  if (!next) return;
  ahead.set(tokenHash, {
    runnerId,
    taskId: next.id,
    runs: next.runs,
    targetBranch: next.target_branch,
    agentId: next.agent_id,
    sealed: (next[`${AGENT}mcp_servers_sealed`] as string | null) ?? null,
    at: now,
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
  const excluded = JSON.stringify([...spokenFor(tokenHash, now)]);
  const guard = {
    sql: `id = (${candidatesSql(1, 't.id', true)})
      AND head_commit IS NULL AND runs = ? AND agent_id IS ?
      AND (SELECT target_branch FROM missions WHERE id = tasks.mission_id) = ?
      AND (SELECT mcp_servers_sealed FROM agents WHERE id = tasks.agent_id) IS ?
      AND ${liveRunnerSql('?')} = ?`,
    values: [
      tokenHash,
      now - RUNNER_GONE_MS,
      excluded,
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
  // The claim's read leaves out the same tasks, so a take that wins is its first row.
  return { ...take, taskId: next.taskId, opened, excluded };
}
