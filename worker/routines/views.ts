import { and, eq, inArray, sql } from 'drizzle-orm';
import { agents, missions, routineFires } from '../../drizzle/schema';
import { database } from '../db/client';
import type { RoutineRow } from './config';
import type { RoutineFireRow } from './fire';

type MissionBrief = { id: string; title: string; status: (typeof missions.$inferSelect)['status'] };
type AgentBrief = { id: string; slug: string; name: string };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The public address a routine's webhook is delivered to. */
export const webhookUrl = (origin: string, routineId: string) =>
  `${origin}/api/hooks/routines/${routineId}`;

/** A fire as the API shows it, with its mission's title and status when it proposed one. */
export function fireView(fire: RoutineFireRow, mission: MissionBrief | null) {
  return {
    id: fire.id,
    trigger: fire.trigger,
    status: fire.status,
    reason: fire.reason,
    scheduledFor: new Date(fire.scheduledFor).toISOString(),
    createdAt: new Date(fire.createdAt).toISOString(),
    actor: fire.actor,
    mission,
    planningJobId: fire.planningJobId,
  };
}
export type FireView = ReturnType<typeof fireView>;

/** A routine as the API shows it: never its webhook secret, only whether it has one and where. */
export function routineView(
  row: RoutineRow,
  related: { agent: AgentBrief | null; lastFire: FireView | null },
  origin: string,
) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    template: row.template,
    agent: related.agent,
    repository: row.kind === 'mission' ? (row.template?.repository ?? null) : row.repository,
    targetBranch: row.targetBranch,
    cron: row.cron,
    timeZone: row.timeZone,
    nextRunAt: iso(row.nextRunAt),
    webhook: row.webhookSecretSealed ? { url: webhookUrl(origin, row.id) } : null,
    preApproved: row.preApprovedBy !== null,
    preApprovedBy: row.preApprovedBy,
    concurrency: row.concurrency,
    catchUp: row.catchUp,
    paused: row.pausedAt !== null,
    pausedAt: iso(row.pausedAt),
    pausedBy: row.pausedBy,
    lastFire: related.lastFire,
    revision: row.revision,
    createdBy: row.createdBy,
    archivedAt: iso(row.archivedAt),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
export type RoutineView = ReturnType<typeof routineView>;

// D1 binds at most 100 values per statement.
const CHUNK = 90;
async function inChunks<T>(ids: string[], read: (part: string[]) => Promise<T[]>) {
  const parts: T[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) parts.push(await read(ids.slice(i, i + CHUNK)));
  return parts.flat();
}

/** The missions these fires proposed, by id. */
export async function missionBriefs(env: Env, fires: RoutineFireRow[]) {
  const ids = [...new Set(fires.flatMap((f) => (f.missionId ? [f.missionId] : [])))];
  const rows = await inChunks(ids, (part) =>
    database(env)
      .select({ id: missions.id, title: missions.title, status: missions.status })
      .from(missions)
      .where(inArray(missions.id, part))
      .all(),
  );
  return new Map(rows.map((m) => [m.id, m]));
}

/** Fires as views, their missions looked up in one go. */
export async function fireViews(env: Env, fires: RoutineFireRow[]): Promise<FireView[]> {
  const byId = await missionBriefs(env, fires);
  return fires.map((f) => fireView(f, (f.missionId && byId.get(f.missionId)) || null));
}

/** Routines as views, with their agents and newest fires read in a few queries. */
export async function routineViews(
  env: Env,
  rows: RoutineRow[],
  origin: string,
): Promise<RoutineView[]> {
  const db = database(env);
  const ids = rows.map((r) => r.id);
  const agentIds = [...new Set(rows.flatMap((r) => (r.agentId ? [r.agentId] : [])))];
  const agentRows = await inChunks(agentIds, (part) =>
    db
      .select({ id: agents.id, slug: agents.slug, name: agents.name })
      .from(agents)
      .where(inArray(agents.id, part))
      .all(),
  );
  const newest = sql`(select f.id from routine_fires f where f.routine_id = ${routineFires.routineId}
    order by f.created_at desc, f.id desc limit 1)`;
  const lastFires = await inChunks(ids, (part) =>
    db
      .select()
      .from(routineFires)
      .where(and(inArray(routineFires.routineId, part), eq(routineFires.id, newest)))
      .all(),
  );
  const fires = new Map(
    (await fireViews(env, lastFires)).map((f, i) => [lastFires[i]?.routineId, f]),
  );
  const agentById = new Map(agentRows.map((a) => [a.id, a]));
  return rows.map((row) =>
    routineView(
      row,
      {
        agent: (row.agentId && agentById.get(row.agentId)) || null,
        lastFire: fires.get(row.id) ?? null,
      },
      origin,
    ),
  );
}

/** The slug of a routine's agent, for its config; null without one. */
export async function agentSlugOf(env: Env, row: RoutineRow): Promise<string | null> {
  if (!row.agentId) return null;
  const agent = await database(env)
    .select({ slug: agents.slug })
    .from(agents)
    .where(eq(agents.id, row.agentId))
    .get();
  return agent?.slug ?? null;
}
