import { and, eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { routineRevisions, routines } from '../../drizzle/schema';
import { type Change, diffConfigs } from '../agents/diff';
import { auditRow } from '../audit/record';
import { redact } from '../audit/redact';
import { database } from '../db/client';
import { DomainError } from '../errors';
import { seal } from '../secrets/seal';
import { readSettings } from '../settings/store';
import { cronSchedule } from './clock';
import {
  blankConfig,
  configOf,
  mergeConfig,
  planningAgentId,
  type RoutineConfig,
  type RoutineRow,
  TRACKED_FIELDS,
} from './config';
import type { RoutineInputValue, RoutinePatchValue } from './schemas';
import { agentSlugOf } from './views';

export interface By {
  actor: string;
  requestId: string;
}

type Writes = [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]];

/** A new webhook secret: 32 random bytes, hex. Returned once to the caller, stored sealed. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Where the cron clock starts from `now`: fires from here on, none before. No schedule, or a
 * paused routine, has no next run (the page shows none; the clock skips it).
 */
function scheduleFrom(config: RoutineConfig, now: number, paused: boolean) {
  const schedule = cronSchedule(config.cron, config.timeZone, now);
  return paused ? { cronCursor: schedule.cronCursor, nextRunAt: null } : schedule;
}

/** Revisions and the audit log hold the config with anything secret-looking redacted. */
const recorded = (config: RoutineConfig) => redact(config) as unknown as Record<string, unknown>;

/** The audit entry of a pre-approval granted or withdrawn: who let fires approve themselves. */
function preApprovalAudit(db: ReturnType<typeof database>, id: string, on: boolean, by: By) {
  return auditRow(db, {
    ...by,
    action: 'routine.pre_approval',
    entityType: 'routine',
    entityId: id,
    summary: { preApproved: on, by: by.actor },
  });
}

/** Creates a routine with its revision 0; the webhook secret (if any) is returned once. */
export async function createRoutine(env: Env, input: RoutineInputValue, by: By) {
  const { briefing } = await readSettings(env);
  const config = mergeConfig(blankConfig(briefing.timeZone), input);
  const agentId = config.agent ? await planningAgentId(env, config.agent) : null;
  const webhookSecret = config.webhook ? newWebhookSecret() : null;
  const now = Date.now();
  const row: RoutineRow = {
    id: crypto.randomUUID(),
    name: config.name,
    kind: config.kind,
    template: config.template,
    agentId,
    repository: config.repository,
    targetBranch: config.targetBranch,
    cron: config.cron,
    timeZone: config.timeZone,
    webhookSecretSealed: webhookSecret ? await seal(env, webhookSecret) : null,
    preApprovedBy: config.preApproved ? by.actor : null,
    concurrency: config.concurrency,
    catchUp: config.catchUp,
    pausedAt: null,
    pausedBy: null,
    ...scheduleFrom(config, now, false),
    revision: 0,
    createdBy: by.actor,
    archivedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const after = recorded(config);
  const diff = diffConfigs(null, after, TRACKED_FIELDS);
  const db = database(env);
  await db.batch([
    db.insert(routines).values(row),
    db.insert(routineRevisions).values({
      routineId: row.id,
      number: 0,
      actor: by.actor,
      reason: input.reason ?? 'created',
      before: null,
      after,
      diff,
      createdAt: now,
    }),
    auditRow(db, {
      ...by,
      action: 'routine.create',
      entityType: 'routine',
      entityId: row.id,
      summary: { name: row.name, kind: row.kind, revision: 0, diff },
    }),
    ...(config.preApproved ? [preApprovalAudit(db, row.id, true, by)] : []),
  ]);
  return { row, webhookSecret };
}

export interface ChangeResult {
  row: RoutineRow;
  /** The new revision, or null when nothing tracked changed. */
  revision: number | null;
  changes: Change[];
  /** A webhook this change turned on: its secret, shown once. */
  webhookSecret: string | null;
}

/**
 * Applies a patch: merge, check, diff; when a tracked field changed, revision N+1, the row's
 * changed columns and the audit entry land in one batch. Two writers racing for the same
 * number collide on the revisions' primary key, and the loser gets a 409.
 */
export async function changeRoutine(
  env: Env,
  row: RoutineRow,
  patch: RoutinePatchValue,
  by: By & { action: 'routine.update' | 'routine.rollback'; reason?: string | undefined },
): Promise<ChangeResult> {
  if (row.archivedAt) throw new DomainError('conflict', `Routine ${row.name} is archived.`);
  const before = configOf(row, await agentSlugOf(env, row));
  const after = mergeConfig(before, patch);
  const changes = diffConfigs(recorded(before), recorded(after), TRACKED_FIELDS);
  if (!changes.length) return { row, revision: null, changes: [], webhookSecret: null };
  const agentId =
    after.agent === before.agent
      ? row.agentId
      : after.agent
        ? await planningAgentId(env, after.agent)
        : null;
  const now = Date.now();
  const webhookSecret = after.webhook && !before.webhook ? newWebhookSecret() : null;
  const rescheduled = after.cron !== before.cron || after.timeZone !== before.timeZone;
  const columns: Partial<RoutineRow> = {
    name: after.name,
    kind: after.kind,
    template: after.template,
    agentId,
    repository: after.repository,
    targetBranch: after.targetBranch,
    cron: after.cron,
    timeZone: after.timeZone,
    concurrency: after.concurrency,
    catchUp: after.catchUp,
    ...(after.webhook === before.webhook
      ? {}
      : { webhookSecretSealed: webhookSecret ? await seal(env, webhookSecret) : null }),
    ...(after.preApproved === before.preApproved
      ? {}
      : { preApprovedBy: after.preApproved ? by.actor : null }),
    ...(rescheduled ? scheduleFrom(after, now, row.pausedAt !== null) : {}),
    revision: row.revision + 1,
    updatedAt: now,
  };
  const db = database(env);
  const writes: Writes = [
    db
      .update(routines)
      .set(columns)
      .where(and(eq(routines.id, row.id), eq(routines.revision, row.revision))),
    db.insert(routineRevisions).values({
      routineId: row.id,
      number: row.revision + 1,
      actor: by.actor,
      reason: by.reason ?? null,
      before: recorded(before),
      after: recorded(after),
      diff: changes,
      createdAt: now,
    }),
    auditRow(db, {
      actor: by.actor,
      requestId: by.requestId,
      action: by.action,
      entityType: 'routine',
      entityId: row.id,
      summary: { revision: row.revision + 1, reason: by.reason ?? null, diff: changes },
    }),
  ];
  if (after.preApproved !== before.preApproved)
    writes.push(preApprovalAudit(db, row.id, after.preApproved, by));
  try {
    await db.batch(writes);
  } catch (error) {
    if (String(error).includes('UNIQUE constraint failed: routine_revisions'))
      throw new DomainError('conflict', 'The routine was changed at the same time: reload it.');
    throw error;
  }
  return { row: { ...row, ...columns }, revision: row.revision + 1, changes, webhookSecret };
}

/**
 * A change of state, not of config (pause, resume, archive, a new webhook secret): the
 * columns and the audit entry together, no revision.
 */
export async function setState(
  env: Env,
  row: RoutineRow,
  columns: Partial<RoutineRow>,
  by: By & { action: string; summary?: Record<string, unknown> },
): Promise<RoutineRow> {
  const db = database(env);
  const now = Date.now();
  await db.batch([
    db
      .update(routines)
      .set({ ...columns, updatedAt: now })
      .where(eq(routines.id, row.id)),
    auditRow(db, {
      actor: by.actor,
      requestId: by.requestId,
      action: by.action,
      entityType: 'routine',
      entityId: row.id,
      summary: { name: row.name, ...by.summary },
    }),
  ]);
  return { ...row, ...columns, updatedAt: now };
}

/** When a paused routine resumes, its clock starts from now: what it missed is not caught up. */
export function resumedSchedule(row: RoutineRow, now: number) {
  return scheduleFrom(configOf(row, null), now, false);
}
