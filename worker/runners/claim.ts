import { agents } from '../../drizzle/schema';
import { rowOf } from '../db/rows';
import { RUNNER_GONE_MS } from '../tasks/runner-waits';
import { moveTask } from '../tasks/transition';
import { AGENT, type CandidateRow, candidatesSql } from './candidates';
import { rememberNext, spokenFor, takeAhead, whileTaking } from './claim-ahead';
import { claimReason } from './continuation';
import { type RunAgent, runAgent, runAgentWith } from './run-agent';
import { requireRunTokenKey } from './run-token';
import { claimAnswer, takeStatements } from './take';

const POLL_MS = 500;

const CANDIDATES = candidatesSql(25);
/**
 * With a take ahead, a few, without the tasks spoken for (claim-ahead.ts), as its guard reads
 * them: it most likely wins, and then only the next one is remembered (25 rows cost about 1 ms
 * more than 2 in the core path's bench). If it loses and none of the few can be taken, the
 * attempt reads the full list.
 */
const FEW = 3;
const FEW_CANDIDATES = candidatesSql(FEW, undefined, true);

/**
 * One attempt: takes the oldest ASSIGNED task this runner can run (candidates.ts). Each take
 * is a guarded move (ASSIGNED → RUNNING only if still ASSIGNED), so two claimers never get the
 * same task; a claimer that loses a race tries the next candidate. Tasks that other claims in
 * this isolate are taking, or are about to take, are tried last (claim-ahead.ts).
 *
 * Round trips on the core path (`npm run bench`): one when the runner's remembered next task
 * is still its oldest (claim-ahead.ts: the take rides in the read's batch), else two: the
 * candidates, with their mission and agent, in one batch with the runner's own check on the
 * first attempt (and the disk it reported); then the take. A lost race costs one more take;
 * an agent whose MCP secrets do not open, one more move.
 */
async function claimOnce(
  env: Env,
  tokenHash: string,
  /** The first attempt's statements (the runner's check first), or the runner it admitted. */
  known: Statements | { id: string },
  run: RunContext,
  /** False on the full read after a take ahead lost. */
  mayTakeAhead = true,
) {
  const now = Date.now();
  const first = Array.isArray(known) ? known : [];
  const ahead = mayTakeAhead ? await takeAhead(env, tokenHash, now) : undefined;
  const aheadToken = ahead?.token(env);
  // Awaited only if the take wins; a lost one's token is dropped, so it must not go unhandled.
  aheadToken?.catch(() => undefined);
  const gone = now - RUNNER_GONE_MS;
  const read = ahead
    ? env.DB.prepare(FEW_CANDIDATES).bind(tokenHash, gone, ahead.excluded)
    : env.DB.prepare(CANDIDATES).bind(tokenHash, gone);
  const batch = () =>
    env.DB.batch<Record<string, unknown>>([...first, read, ...(ahead?.statements ?? [])]);
  const answers = await (ahead ? whileTaking(ahead.taskId, batch) : batch());
  const runner = Array.isArray(known) ? run.admit(answers[0]?.results[0]) : known;
  const results = (answers[first.length]?.results ?? []) as CandidateRow[];
  const done = (at: number, found: Claim) => {
    rememberNext(tokenHash, runner.id, results.slice(at + 1));
    watchRun(env, found, now, run);
    return { runner, found };
  };
  const aheadTaken = ahead?.read(answers.slice(first.length + 1));
  if (ahead && aheadTaken && aheadToken) {
    // Its guard made it the oldest candidate: the read's first row, as read just before.
    const candidate = results[0];
    if (candidate?.id !== ahead.taskId) throw new Error('claim ahead took a task not read first');
    const agent = hasAgent(candidate)
      ? runAgentWith(rowOf(agents, candidate, AGENT), ahead.opened)
      : null;
    const mcp = { url: run.mcpUrl, token: await aheadToken };
    return done(0, claimAnswer(aheadTaken, candidate, agent, mcp));
  }
  // Tasks other claims here are taking or about to take go last: they most likely lose them.
  const busy = spokenFor(tokenHash, now);
  const order = [...results.entries()];
  order.sort(([a, x], [b, y]) => Number(busy.has(x.id)) - Number(busy.has(y.id)) || a - b);
  for (const [at, candidate] of order) {
    const prepared = await agentFor(env, candidate);
    if ('problem' in prepared) {
      await failTask(env, candidate.id, runner.id, prepared.problem, now);
      continue;
    }
    const taking = { ...run, runnerId: runner.id, now };
    const found = await whileTaking(candidate.id, () =>
      take(env, candidate, prepared.agent, taking),
    );
    if (found) return done(at, found);
  }
  rememberNext(tokenHash, runner.id, []);
  // The few left out what was spoken for: read it all (nothing is remembered now).
  if (ahead) return claimOnce(env, tokenHash, runner, run, false);
  return { runner, found: undefined };
}

/**
 * The agent's Durable Object wakes when this run would go stale without heartbeats. After the
 * answer: the runner needs none of it, and the sweep catches a stale run regardless.
 */
function watchRun(env: Env, found: Claim, now: number, run: RunContext) {
  const agentId = found.task.agentId;
  if (!agentId) return;
  const due = now + (found.timeoutSeconds + 1) * 1000;
  run.defer(env.AGENT.get(env.AGENT.idFromName(agentId)).watch(agentId, due));
}

/** Fails a task whose agent cannot run (its MCP secrets do not open), naming why. */
function failTask(env: Env, taskId: string, runnerId: string, problem: string, now: number) {
  return moveTask(env.DB, {
    taskId,
    from: 'ASSIGNED',
    to: 'FAILED',
    actor: `runner:${runnerId}`,
    reason: problem,
    set: { failure_reason: problem, finished_at: now },
  });
}

/** The candidate's agent ready for a run (null: a task without an agent), or why it cannot run. */
async function agentFor(
  env: Env,
  candidate: CandidateRow,
): Promise<{ agent: RunAgent | null } | { problem: string }> {
  if (!hasAgent(candidate)) return { agent: null };
  return runAgent(env, rowOf(agents, candidate, AGENT));
}

/** No agent row joined (no agent, or its row is gone): the task runs without one. */
const hasAgent = (candidate: CandidateRow) =>
  Boolean(candidate.agent_id) && candidate[`${AGENT}id`] != null;

/** One take, one batch (take.ts); undefined when another claimer won. */
async function take(
  env: Env,
  candidate: CandidateRow,
  agent: RunAgent | null,
  run: { runnerId: string; mcpUrl: string; now: number },
) {
  const { runnerId, now } = run;
  const reason = claimReason(candidate, runnerId, now);
  const taking = takeStatements(env.DB, candidate, { runnerId, now, reason });
  // The token is pure crypto: signed while the batch is out.
  const [answers, token] = await Promise.all([
    env.DB.batch<Record<string, unknown>>(taking.statements),
    taking.token(env),
  ]);
  const taken = taking.read(answers);
  return taken && claimAnswer(taken, candidate, agent, { url: run.mcpUrl, token });
}

export type Claim = ReturnType<typeof claimAnswer>;
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
