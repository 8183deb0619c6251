import { and, desc, eq, inArray } from 'drizzle-orm';
import { missions } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import { insertMission, type MissionProposal, readMission } from './propose';

// Agents propose on their own (planning runs, MCP calls), and two runs that read the same
// repository tend to propose the same work. A proposal that repeats an open mission of the
// same repository is folded into it instead of queued again for the operator.

export type ProposalOutcome = 'proposed' | 'merged' | 'duplicate';

const MAX_PLAN = 50;
/** Share of title words two missions must have in common to count as the same work. */
const SAME_WORK = 0.6;
const FILLER = new Set(['a', 'an', 'the', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'with']);

/** A title's meaningful words, lowercased, without punctuation or filler words. */
export function titleWords(title: string): Set<string> {
  const words = title
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word && !FILLER.has(word));
  return new Set(words);
}

/** How alike two titles are: shared words over all words (Jaccard), 0 to 1. */
export function titleLikeness(a: string, b: string): number {
  const left = titleWords(a);
  const right = titleWords(b);
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared += 1;
  return shared / (left.size + right.size - shared);
}

/**
 * Proposes `input` for an agent, unless an open mission of the same repository is the same
 * work: a PROPOSED one gets the proposal's new tasks appended (`merged`; nothing new:
 * `duplicate`), an APPROVED one is left alone (`duplicate`). Either way the answer names the
 * mission the work lives in.
 */
export async function proposeOrMerge(
  env: Env,
  input: MissionProposal,
  proposedBy: string,
  by: { actor: string; requestId: string },
): Promise<{ outcome: ProposalOutcome; mission: Awaited<ReturnType<typeof readMission>> }> {
  const db = database(env);
  const open = await db
    .select()
    .from(missions)
    .where(
      and(
        eq(missions.repository, input.repository),
        inArray(missions.status, ['PROPOSED', 'APPROVED']),
      ),
    )
    .orderBy(desc(missions.createdAt))
    .limit(200)
    .all();
  const same = open
    .map((row) => ({ row, likeness: titleLikeness(row.title, input.title) }))
    .filter((m) => m.likeness >= SAME_WORK)
    .sort((a, b) => b.likeness - a.likeness)[0]?.row;
  if (!same) {
    return { outcome: 'proposed', mission: await insertMission(env, input, proposedBy, by) };
  }
  if (same.status !== 'PROPOSED')
    return { outcome: 'duplicate', mission: await readMission(env, same.id) };
  const known = same.plan.map((task) => task.title);
  const added = input.tasks
    .filter((task) => !known.some((title) => titleLikeness(title, task.title) >= SAME_WORK))
    .slice(0, Math.max(MAX_PLAN - same.plan.length, 0));
  if (added.length === 0) return { outcome: 'duplicate', mission: await readMission(env, same.id) };
  const now = Date.now();
  const update = await db
    .update(missions)
    .set({ plan: [...same.plan, ...added], updatedAt: now })
    // Only while it waits and as read: a decision or another merge meanwhile wins.
    .where(
      and(
        eq(missions.id, same.id),
        eq(missions.status, 'PROPOSED'),
        eq(missions.updatedAt, same.updatedAt),
      ),
    )
    .run();
  if (update.meta.changes !== 1) {
    // Decided or merged into meanwhile: propose it on its own rather than lose it.
    return { outcome: 'proposed', mission: await insertMission(env, input, proposedBy, by) };
  }
  await auditRow(db, {
    ...by,
    action: 'mission.merge',
    entityType: 'mission',
    entityId: same.id,
    summary: { proposedBy, title: input.title, tasksAdded: added.map((task) => task.title) },
  }).run();
  return { outcome: 'merged', mission: await readMission(env, same.id) };
}
