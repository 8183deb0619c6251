import type { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { missions, type Role } from '../../drizzle/schema';
import { auditRow } from '../audit/record';
import {
  grantStatement,
  type SignInToCheck,
  settleSignIn,
  signedInSql,
} from '../auth/sign-in-in-batch';
import { type Db, database } from '../db/client';
import { guardedInsert } from '../db/guarded-insert';
import { columnsOf, rowOf } from '../db/rows';
import type { HonoEnv } from '../env';
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

/**
 * Stores a proposed mission with its proposer's sign-in check in the same batch, one round
 * trip (the guard left the check to this route: worker/auth/sign-in-in-batch.ts). The mission,
 * its event and its audit entry are each written only where the session holds; the mission is
 * read back after them. When the session did not hold, nothing was written and this throws
 * the full check's 401 or 403 (settleSignIn).
 */
export async function insertMissionSignedIn(
  c: Context<HonoEnv>,
  input: MissionProposal,
  check: SignInToCheck,
) {
  const env = c.env;
  const id = crypto.randomUUID();
  const now = Date.now();
  const onlyIf = signedInSql(env, check, now);
  const by = { actor: check.email, requestId: c.get('requestId') };
  const writes = missionInsertStatements(database(env), input, check.email, by, { id, now });
  const [grant, written, , , created] = await env.DB.batch<Record<string, unknown>>([
    grantStatement(env.DB, check),
    ...writes.map((write) => guardedInsert(env.DB, write, onlyIf)),
    env.DB.prepare(`SELECT ${columnsOf(missions, 'm')} FROM missions m WHERE m.id = ?`).bind(id),
  ]);
  await settleSignIn(c, check, {
    wrote: (written?.meta.changes ?? 0) === 1,
    grant: grant?.results[0] as { granted: number; role: Role | null } | undefined,
  });
  const row = created?.results[0];
  if (!row) throw new Error(`mission ${id} vanished after insert`);
  return missionView(rowOf(missions, row));
}

/** A mission as the API shows it, read back after a write. */
export async function readMission(env: Env, id: string) {
  const created = await database(env).select().from(missions).where(eq(missions.id, id)).get();
  if (!created) throw new Error(`mission ${id} vanished after insert`);
  return missionView(created);
}
