import { eq } from 'drizzle-orm';
import { agents, missions, tasks } from '../../drizzle/schema';
import { database } from '../db/client';
import { moveTask } from '../tasks/transition';
import { taskView } from '../tasks/views';

const POLL_MS = 500;

/**
 * Takes the oldest ASSIGNED task for this runner. Each attempt is a guarded move
 * (ASSIGNED → RUNNING only if still ASSIGNED), so two claimers never get the same task;
 * a claimer that loses a race tries the next candidate.
 */
async function claimOnce(env: Env, runnerId: string) {
  const now = Date.now();
  const { results } = await env.DB.prepare(
    "SELECT t.id, t.runs, m.target_branch FROM tasks t JOIN missions m ON m.id = t.mission_id WHERE t.status = 'ASSIGNED' ORDER BY t.created_at, t.id LIMIT 25",
  ).all<{ id: string; runs: number; target_branch: string }>();
  for (const candidate of results) {
    const won = await moveTask(env.DB, {
      taskId: candidate.id,
      from: 'ASSIGNED',
      to: 'RUNNING',
      actor: `runner:${runnerId}`,
      reason: 'claimed',
      set: {
        runner_id: runnerId,
        branch: `hq/${candidate.id}`,
        base_branch: candidate.target_branch,
        last_heartbeat_at: now,
        phase: 'claimed',
        progress: 0,
        // A new run: its log starts afresh (worker/run-logs/), and so does its last line. The
        // move only happens while the task is ASSIGNED, so the count cannot race.
        runs: candidate.runs + 1,
        last_line: null,
      },
    });
    if (won) {
      const found = await claimed(env, candidate.id);
      const agentId = found?.task.agentId;
      // The agent's Durable Object wakes when this run would go stale without heartbeats.
      if (agentId)
        await env.AGENT.get(env.AGENT.idFromName(agentId)).watch(
          agentId,
          now + (found.timeoutSeconds + 1) * 1000,
        );
      return found;
    }
  }
  return undefined;
}

/** What a runner needs to run a task: the task, its mission's repository, the agent's config. */
async function claimed(env: Env, taskId: string) {
  const db = database(env);
  const task = await db.select().from(tasks).where(eq(tasks.id, taskId)).get();
  if (!task) return undefined;
  const mission = await db.select().from(missions).where(eq(missions.id, task.missionId)).get();
  const agent = task.agentId
    ? await db.select().from(agents).where(eq(agents.id, task.agentId)).get()
    : undefined;
  return {
    timeoutSeconds: task.timeoutSeconds,
    task: taskView(task),
    mission: {
      id: task.missionId,
      title: mission?.title ?? '',
      repository: mission?.repository ?? '',
      targetBranch: mission?.targetBranch ?? 'main',
    },
    agent: agent
      ? {
          slug: agent.slug,
          name: agent.name,
          model: agent.model,
          provider: agent.provider,
          identity: agent.identity,
          tools: agent.tools,
        }
      : null,
  };
}

export type Claim = NonNullable<Awaited<ReturnType<typeof claimOnce>>>;

/**
 * Long-polls for work: tries now, then every half second until `waitSeconds` pass. Stops as
 * soon as the runner hangs up (`signal`), so a stopped runner is never handed a task.
 */
export async function claim(
  env: Env,
  runnerId: string,
  waitSeconds: number,
  signal?: AbortSignal,
): Promise<Claim | undefined> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    if (signal?.aborted) return undefined;
    const found = await claimOnce(env, runnerId);
    if (found || Date.now() + POLL_MS > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
