import type { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { missions } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { type Db, database } from '../db/client';
import { missionProposedInsert } from '../events/outbox';
import type { ProposeMission } from './schemas';
import { missionView } from './views';

export type MissionProposal = z.infer<typeof ProposeMission>;
type By = { actor: string; requestId: string };

/**
 * The writes of a proposed mission: its row, its event and its audit entry, for a caller's
 * batch (a routine's fire adds its own row to the same batch, so both happen or neither).
 */
export function missionInsertStatements(
  db: Db,
  input: MissionProposal,
  proposedBy: string,
  by: By,
  at: { id: string; now: number },
) {
  const { tasks: plan, ...fields } = input;
  const row = {
    id: at.id,
    ...fields,
    budgetUsd: fields.budgetUsd ?? null,
    budgetTokens: fields.budgetTokens ?? null,
    plan,
    status: 'PROPOSED' as const,
    proposedBy,
    createdAt: at.now,
    updatedAt: at.now,
  };
  return [
    db.insert(missions).values(row),
    missionProposedInsert(
      db,
      { missionId: row.id, title: row.title, proposedBy, tasks: plan.length },
      at.now,
    ),
    auditRow(db, {
      ...by,
      action: 'mission.propose',
      entityType: 'mission',
      entityId: row.id,
      summary: { title: row.title, tasks: plan.length, proposedBy },
    }),
  ] as const;
}

/** Stores a proposed mission and its audit entry together. `proposedBy` is an email or `agent:<slug>`. */
export async function insertMission(env: Env, input: MissionProposal, proposedBy: string, by: By) {
  const db = database(env);
  const id = crypto.randomUUID();
  // Read back in the same batch: one round trip for the write and the answer.
  const [, , , [created]] = await db.batch([
    ...missionInsertStatements(db, input, proposedBy, by, { id, now: Date.now() }),
    db.select().from(missions).where(eq(missions.id, id)),
  ]);
  if (!created) throw new Error(`mission ${id} vanished after insert`);
  return missionView(created);
}

/** A mission as the API shows it, read back after a write. */
export async function readMission(env: Env, id: string) {
  const created = await database(env).select().from(missions).where(eq(missions.id, id)).get();
  if (!created) throw new Error(`mission ${id} vanished after insert`);
  return missionView(created);
}
