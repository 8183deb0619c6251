import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { routines } from '../../../drizzle/schema';
import { database } from '../../../worker/db/client';
import { planningFire } from '../../../worker/planning/fire';
import { createAgent } from '../agents/support';
import { registerRunner, runnerCall } from '../runners/support';

/** A repository of its own per test: open missions and snapshots of others never count. */
export const freshRepository = () => `plan/r-${crypto.randomUUID().slice(0, 8)}`;

/** A LEAD agent (no executor: any runner's own runs it) for planning routines. */
export async function leadAgent(slug: string, extra: Record<string, unknown> = {}) {
  const { agent } = await createAgent(slug, { type: 'LEAD', role: 'Tech lead', ...extra });
  return agent;
}

/**
 * A planning routine of `agentId` over `repository`, written as the routines API stores one
 * (that API is another part's): the row planningFire reads.
 */
export async function planningRoutine(agentId: string, repository: string) {
  const id = crypto.randomUUID();
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO routines (id, name, kind, agent_id, repository, target_branch, created_by, created_at, updated_at)
     VALUES (?, ?, 'planning', ?, ?, 'main', 'admin@test.hq', ?, ?)`,
  )
    .bind(id, `plan ${repository}`, agentId, repository, now, now)
    .run();
  const row = await database(env).select().from(routines).where(eq(routines.id, id)).get();
  if (!row) throw new Error('routine not stored');
  return row;
}

/** A runner serving `repository` (live: its declaration just reached HQ); its token. */
export async function servingRunner(repository: string, presets: string[] = []) {
  const runner = await registerRunner(`planner-${crypto.randomUUID().slice(0, 6)}`, null);
  const declared = await runnerCall(runner.token, '/api/runner/capabilities', {
    method: 'PUT',
    json: {
      capabilities: presets.map((preset) => ({ preset, version: null })),
      repositories: [{ name: repository, pushes: false }],
    },
  });
  expect(declared.status, await declared.clone().text()).toBe(200);
  // The guard marks the runner seen after the answer (waitUntil): say so now, as it will be.
  await env.DB.prepare('UPDATE runners SET last_seen_at = ? WHERE id = ?')
    .bind(Date.now(), runner.id)
    .run();
  return runner.token;
}

/** A runner's report of `repository` at `head`, as PUT .../snapshot stores it. */
export const snapshot = (repository: string, head: string, runnerId = 'runner-x') =>
  env.DB.prepare(
    `INSERT INTO repository_snapshots (repository, runner_id, branch, head_commit, files, file_count, reported_at)
     VALUES (?, ?, 'main', ?, '["README.md","src/a.ts"]', 2, ?)
     ON CONFLICT (repository, runner_id) DO UPDATE SET head_commit = excluded.head_commit,
       reported_at = excluded.reported_at`,
  )
    .bind(repository, runnerId, head, Date.now())
    .run();

/** A fire of the routine as the fire engine makes one: planningFire, its batch written. */
export async function fire(routine: Awaited<ReturnType<typeof planningRoutine>>) {
  const outcome = await planningFire(env, routine, Date.now());
  const [first, ...rest] = 'statements' in outcome ? outcome.statements : [];
  if (first) await database(env).batch([first, ...rest]);
  return outcome;
}

export const jobRow = (id: string) =>
  env.DB.prepare('SELECT * FROM planning_jobs WHERE id = ?')
    .bind(id)
    .first<Record<string, unknown>>();

export const jobsOf = (routineId: string) =>
  env.DB.prepare('SELECT * FROM planning_jobs WHERE routine_id = ? ORDER BY created_at')
    .bind(routineId)
    .all<Record<string, unknown>>()
    .then((r) => r.results);

/** A planning claim: the job handed over, or null (204). */
export async function claimPlanning(token: string) {
  const response = await runnerCall(token, '/api/runner/planning/claim', { json: {} });
  expect([200, 204], await response.clone().text()).toContain(response.status);
  return response.status === 204 ? null : ((await response.json()) as PlanningClaimBody);
}

export interface PlanningClaimBody {
  job: { id: string; routineId: string; repository: string; targetBranch: string };
  agent: { slug: string; executor: unknown };
  snapshot: { headCommit: string; fileCount: number } | null;
  openMissions: { id: string; title: string; status: string; tasks: string[] }[];
  timeoutSeconds: number;
}

export const planningReport = (token: string, id: string, body: Record<string, unknown> = {}) =>
  runnerCall(token, `/api/runner/planning/${id}/report`, {
    json: {
      outcome: 'success',
      inputTokens: 1000,
      outputTokens: 200,
      costUsd: 0.05,
      provider: 'openai',
      model: 'gpt-4.1',
      ...body,
    },
  });
