import type { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { missions } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import { missionProposedInsert } from '../events/outbox';
import type { ProposeMission } from './schemas';
import { missionView } from './views';

/** Stores a proposed mission and its audit entry together. `proposedBy` is an email or `agent:<slug>`. */
export async function insertMission(
  env: Env,
  input: z.infer<typeof ProposeMission>,
  proposedBy: string,
  by: { actor: string; requestId: string },
) {
  const { tasks: plan, ...fields } = input;
  const db = database(env);
  const now = Date.now();
  const row = {
    id: crypto.randomUUID(),
    ...fields,
    budgetUsd: fields.budgetUsd ?? null,
    budgetTokens: fields.budgetTokens ?? null,
    plan,
    status: 'PROPOSED' as const,
    proposedBy,
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(missions).values(row),
    missionProposedInsert(
      db,
      { missionId: row.id, title: row.title, proposedBy, tasks: plan.length },
      now,
    ),
    auditRow(db, {
      ...by,
      action: 'mission.propose',
      entityType: 'mission',
      entityId: row.id,
      summary: { title: row.title, tasks: plan.length, proposedBy },
    }),
  ]);
  const created = await db.select().from(missions).where(eq(missions.id, row.id)).get();
  if (!created) throw new Error('mission vanished after insert');
  return missionView(created);
}
