import type { z } from '@hono/zod-openapi';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import {
  domainEvents,
  missionRevisions,
  type missions,
  taskEvents,
  tasks,
} from '../../drizzle/schema';
import { type Change, diffConfigs } from '../agents/diff';
import { database } from '../db/client';
import { snapshotOf, TRACKED_FIELDS } from './edit';
import type { MissionHistoryItem, MissionRevision } from './schemas';

type MissionRow = typeof missions.$inferSelect;
type Revision = z.infer<typeof MissionRevision>;
type Item = z.infer<typeof MissionHistoryItem>;

const iso = (ms: number) => new Date(ms).toISOString();
const fieldsOf = (diff: Change[]) => [...new Set(diff.map((c) => c.field))];
/** A mission has at most 50 tasks; this bounds the task moves one history reads. */
const MAX_TASK_MOVES = 2000;
const ENDED = ['mission.done', 'mission.failed', 'mission.cancelled'];

/**
 * The mission's revisions, newest first. A mission never edited has no stored revision 0
 * (the first edit writes it): it is shown from the row, which is still the plan as proposed.
 */
export async function missionRevisionList(env: Env, row: MissionRow): Promise<Revision[]> {
  const rows = await database(env)
    .select()
    .from(missionRevisions)
    .where(eq(missionRevisions.missionId, row.id))
    .orderBy(desc(missionRevisions.number))
    .all();
  const items = rows.map((r) => {
    const diff = r.diff as Change[];
    return {
      number: r.number,
      actor: r.actor,
      reason: r.reason,
      createdAt: iso(r.createdAt),
      fields: fieldsOf(diff),
      diff,
    };
  });
  if (!rows.some((r) => r.number === 0) && row.revision === 0) {
    const diff = diffConfigs(null, snapshotOf(row), TRACKED_FIELDS);
    items.push({
      number: 0,
      actor: row.proposedBy,
      reason: 'proposed',
      createdAt: iso(row.createdAt),
      fields: fieldsOf(diff),
      diff,
    });
  }
  return items;
}

/**
 * What happened to a mission, oldest first: proposed, each edit, the decision, its tasks'
 * moves and how it ended. Built in that order and then sorted by time with a stable sort,
 * so the approval comes before the task moves it caused in the same millisecond.
 */
export async function missionHistory(env: Env, row: MissionRow): Promise<Item[]> {
  const db = database(env);
  const revisions = (await missionRevisionList(env, row)).reverse();
  const proposal = revisions.find((r) => r.number === 0);
  // The plan as proposed, not as edited since: revision 0 set every field, tasks included.
  const proposedTasks = proposal?.diff.find((c) => c.field === 'tasks')?.new;
  const count = Array.isArray(proposedTasks) ? proposedTasks.length : row.plan.length;
  const items: Item[] = [
    {
      at: iso(row.createdAt),
      actor: row.proposedBy,
      kind: 'proposed',
      text: `proposed with ${count} task${count === 1 ? '' : 's'}`,
    },
  ];
  for (const r of revisions.filter((x) => x.number > 0)) {
    items.push({
      at: r.createdAt,
      actor: r.actor,
      kind: 'revised',
      text: `revision ${r.number}: changed ${r.fields.join(', ')}${r.reason ? ` (${r.reason})` : ''}`,
    });
  }
  if (row.decidedAt !== null) {
    const approved = row.status !== 'REJECTED';
    items.push({
      at: iso(row.decidedAt),
      actor: row.decidedBy ?? 'unknown',
      kind: approved ? 'approved' : 'rejected',
      text: `${approved ? 'approved' : 'rejected'}${row.decisionReason ? `: ${row.decisionReason}` : ''}`,
    });
  }
  const moves = await db
    .select({
      at: taskEvents.createdAt,
      actor: taskEvents.actor,
      from: taskEvents.fromStatus,
      to: taskEvents.toStatus,
      reason: taskEvents.reason,
      title: tasks.title,
    })
    .from(taskEvents)
    .innerJoin(tasks, eq(tasks.id, taskEvents.taskId))
    .where(eq(tasks.missionId, row.id))
    .orderBy(asc(taskEvents.id))
    .limit(MAX_TASK_MOVES)
    .all();
  for (const m of moves) {
    items.push({
      at: iso(m.at),
      actor: m.actor,
      kind: 'task',
      text: `"${m.title}": ${m.from ?? 'new'} → ${m.to}${m.reason ? ` (${m.reason})` : ''}`,
    });
  }
  items.push(...(await endings(env, row)));
  return items.sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * How the mission ended, from its end events (a FAILED mission retried and then DONE ended
 * twice); the row's finish reason stands in when there is no event.
 */
async function endings(env: Env, row: MissionRow): Promise<Item[]> {
  const events = await database(env)
    .select()
    .from(domainEvents)
    .where(
      and(
        eq(domainEvents.entityType, 'mission'),
        eq(domainEvents.entityId, row.id),
        inArray(domainEvents.type, ENDED),
      ),
    )
    .orderBy(asc(domainEvents.id))
    .all();
  if (events.length) {
    return events.map((e) => ({
      at: iso(e.createdAt),
      actor: typeof e.payload.actor === 'string' ? e.payload.actor : 'hq',
      kind: 'ended' as const,
      text: `ended ${e.type.slice('mission.'.length).toUpperCase()}${
        typeof e.payload.reason === 'string' ? `: ${e.payload.reason}` : ''
      }`,
    }));
  }
  if (row.finishedAt === null) return [];
  return [
    {
      at: iso(row.finishedAt),
      actor: 'hq',
      kind: 'ended',
      text: `ended ${row.status}${row.finishReason ? `: ${row.finishReason}` : ''}`,
    },
  ];
}
