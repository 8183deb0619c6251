import type { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { missionRevisions, missions } from '../../drizzle/schema';
import { type Change, diffConfigs } from '../agents/diff';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import { DomainError } from '../errors';
import { missionRevisedInsert } from '../events/outbox';
import type { EditMission } from './schemas';

type MissionRow = typeof missions.$inferSelect;
type By = { actor: string; requestId: string };

/** The fields a revision snapshots and diffs: the plan a decider approves, not its state. */
export const TRACKED_FIELDS = [
  'title',
  'brief',
  'targetBranch',
  'budgetUsd',
  'budgetTokens',
  'tasks',
] as const;

/**
 * The tracked fields of a mission. Hints are written out as null so that a plan stored
 * without them and the same plan sent back with explicit nulls do not diff.
 */
export function snapshotOf(row: MissionRow): Record<string, unknown> {
  return {
    title: row.title,
    brief: row.brief,
    targetBranch: row.targetBranch,
    budgetUsd: row.budgetUsd ?? null,
    budgetTokens: row.budgetTokens ?? null,
    tasks: row.plan.map((t) => ({
      title: t.title,
      spec: t.spec,
      expectedScope: t.expectedScope,
      agentHint: t.agentHint ?? null,
      roleHint: t.roleHint ?? null,
    })),
  };
}

/** Why a mission cannot be edited now, as the 409 says it. */
function frozen(status: string) {
  const article = /^[AEIOU]/.test(status) ? 'an' : 'a';
  return new DomainError(
    'conflict',
    `The plan of ${article} ${status} mission is frozen: only a PROPOSED mission is edited.`,
  );
}

export interface EditResult {
  changed: boolean;
  /** The new revision number, or null when the edit changed nothing. */
  revision: number | null;
  changes: Change[];
}

/**
 * Edits a PROPOSED mission's plan as one D1 batch: the row, revision N+1 with its diff, the
 * `mission.revised` event and the audit entry. The row update only matches the revision and
 * status that were read; the revision's number is read back from the row after that update,
 * so when the update missed (another edit won, or a decision landed) the number is either
 * taken (primary key) or NULL (not null), the batch fails and nothing at all is written.
 */
export async function editMission(
  env: Env,
  row: MissionRow,
  input: z.infer<typeof EditMission>,
  by: By,
): Promise<EditResult> {
  if (row.status !== 'PROPOSED') throw frozen(row.status);
  const { reason, tasks: plan, ...fields } = input;
  const before = snapshotOf(row);
  const next = {
    ...row,
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    ...(plan ? { plan } : {}),
  } as MissionRow;
  const after = snapshotOf(next);
  const changes = diffConfigs(before, after, TRACKED_FIELDS);
  if (!changes.length) return { changed: false, revision: null, changes };
  const number = row.revision + 1;
  const changedFields = [...new Set(changes.map((c) => c.field))];
  const now = Date.now();
  const db = database(env);
  const asProposed =
    // Missions proposed before revisions existed have no revision 0: it is the row as read.
    row.revision === 0
      ? [
          db
            .insert(missionRevisions)
            .values({
              missionId: row.id,
              number: 0,
              actor: row.proposedBy,
              reason: 'proposed',
              before: null,
              after: before,
              diff: diffConfigs(null, before, TRACKED_FIELDS),
              createdAt: row.createdAt,
            })
            .onConflictDoNothing(),
        ]
      : [];
  try {
    await db.batch([
      db
        .update(missions)
        .set({
          title: next.title,
          brief: next.brief,
          targetBranch: next.targetBranch,
          budgetUsd: next.budgetUsd ?? null,
          budgetTokens: next.budgetTokens ?? null,
          plan: next.plan,
          revision: number,
          updatedAt: now,
        })
        .where(
          and(
            eq(missions.id, row.id),
            eq(missions.revision, row.revision),
            eq(missions.status, 'PROPOSED'),
          ),
        ),
      ...asProposed,
      db.insert(missionRevisions).values({
        missionId: row.id,
        number: sql`(SELECT revision FROM missions WHERE id = ${row.id} AND status = 'PROPOSED' AND revision = ${number})`,
        actor: by.actor,
        reason: reason ?? null,
        before,
        after,
        diff: changes,
        createdAt: now,
      }),
      missionRevisedInsert(
        db,
        {
          missionId: row.id,
          title: next.title,
          revision: number,
          fields: changedFields,
          actor: by.actor,
          reason: reason ?? null,
          proposedBy: row.proposedBy,
        },
        now,
      ),
      auditRow(db, {
        ...by,
        action: 'mission.edit',
        entityType: 'mission',
        entityId: row.id,
        summary: { title: next.title, revision: number, reason: reason ?? null, diff: changes },
      }),
    ]);
  } catch (error) {
    if (!/constraint failed: mission_revisions/.test(String(error))) throw error;
    const current = await env.DB.prepare('SELECT status FROM missions WHERE id = ?')
      .bind(row.id)
      .first<{ status: string }>();
    if (current && current.status !== 'PROPOSED') throw frozen(current.status);
    throw new DomainError(
      'conflict',
      'The mission was edited at the same time: reload it and edit again.',
    );
  }
  return { changed: true, revision: number, changes };
}
