import { readSettings } from '../settings/store';
import {
  type AgentFacts,
  agentBlock,
  agentFacts,
  fitting,
  MISSION_UNDER_BUDGET,
} from './eligibility';
import { markRunnerWaits } from './runner-waits';
import type { TaskStatus } from './state-machine';
import { moveTask } from './transition';

interface Waiting {
  id: string;
  status: TaskStatus;
  agent_id: string | null;
  agent_hint: string | null;
  role_hint: string | null;
}

/** Agents that may take work now (eligibility.ts says which and why not). */
async function candidates(db: D1Database, now: number, timeZone: string): Promise<AgentFacts[]> {
  return (await agentFacts(db, now)).filter((agent) => !agentBlock(agent, now, timeZone));
}

/** The agent for a task: the least busy of those that fit it (eligibility.ts `fitting`). */
function choose(task: Waiting, pool: AgentFacts[]): AgentFacts | undefined {
  return fitting(task, pool).sort((a, b) => a.load - b.load)[0];
}

/**
 * Assigns waiting tasks of approved missions to agents. Nothing moves while the global worker
 * switch is off. A task whose hinted agent cannot take work now stays waiting, and so does a
 * task of a mission whose budget (money or tokens) is spent. Then every assigned task whose
 * agent's preset no runner can run says so (runner-waits.ts).
 */
export async function dispatch(env: Env, now = Date.now()): Promise<number> {
  const assigned = await assign(env, now);
  await markRunnerWaits(env.DB, now);
  return assigned;
}

async function assign(env: Env, now: number): Promise<number> {
  const settings = await readSettings(env);
  if (!settings.workerSwitch) return 0;
  const db = env.DB;
  const { results: waiting } = await db
    .prepare(
      `SELECT t.id, t.status, t.agent_id, t.agent_hint, t.role_hint FROM tasks t
       JOIN missions m ON m.id = t.mission_id
       WHERE t.status IN ('PENDING', 'CHANGES_REQUESTED') AND m.status = 'APPROVED'
         AND ${MISSION_UNDER_BUDGET}
       ORDER BY t.created_at, t.id LIMIT 200`,
    )
    .all<Waiting>();
  if (!waiting.length) return 0;
  const pool = await candidates(db, now, settings.briefing.timeZone);
  let assigned = 0;
  for (const task of waiting) {
    const agent = choose(task, pool);
    if (!agent) continue;
    const moved = await moveTask(db, {
      taskId: task.id,
      from: task.status,
      to: 'ASSIGNED',
      actor: 'dispatcher',
      reason: `assigned to ${agent.slug}`,
      set: { agent_id: agent.id },
    });
    if (moved) {
      agent.load++;
      assigned++;
    }
  }
  return assigned;
}
