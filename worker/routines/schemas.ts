import { z } from '@hono/zod-openapi';
import {
  MISSION_STATUSES,
  ROUTINE_CATCH_UP,
  ROUTINE_CONCURRENCY,
  ROUTINE_FIRE_STATUSES,
  ROUTINE_KINDS,
  ROUTINE_TRIGGERS,
} from '../../drizzle/schema';
import { ChangeEntry } from '../agents/schemas';
import { cronProblem, timeZoneProblem } from '../clock/cron';
import { ProposeMission } from '../missions/schemas';

export const IdParam = z.object({ id: z.string().min(1).max(100) });

/** A problem the cron reader names (which field of the expression, and why) as the 400's message. */
const Cron = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const TimeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .superRefine((value, ctx) => {
    const problem = timeZoneProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (e.g. Europe/Paris)` });
  });

/**
 * Every field a routine is made of. No defaults here: a PATCH sends some of them, and the
 * store fills what a creation leaves out (routines/config.ts).
 */
const fields = {
  name: z.string().trim().min(1).max(120),
  kind: z.enum(ROUTINE_KINDS).describe('mission: propose `template`; planning: `agent` proposes.'),
  template: ProposeMission.nullish().describe(
    'kind mission: the mission each fire proposes (required); refused for planning.',
  ),
  agent: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .nullish()
    .describe('kind planning: the slug of an active LEAD agent, or one whose role names CEO.'),
  repository: ProposeMission.shape.repository
    .nullish()
    .describe('kind planning: the repository its agent reads (owner/name).'),
  targetBranch: ProposeMission.shape.targetBranch
    .unwrap()
    .optional()
    .describe('kind planning: the branch it reads (default main).'),
  cron: Cron.nullish().describe(
    'Five-field cron (minute hour day month weekday) or a macro like @daily; null: no schedule.',
  ),
  timeZone: TimeZone.optional().describe(
    'IANA zone the cron is read in; default the briefing time zone in settings.',
  ),
  webhook: z.boolean().optional().describe('A signed webhook URL that fires it (default false).'),
  preApproved: z
    .boolean()
    .optional()
    .describe('Fires approve their mission at once (default false); audited with who set it.'),
  concurrency: z.enum(ROUTINE_CONCURRENCY).optional().describe('Default skip_if_open.'),
  catchUp: z.enum(ROUTINE_CATCH_UP).optional().describe('Default skip.'),
  reason: z.string().trim().max(500).optional().describe('Why, kept in the revision.'),
};

export const RoutineInput = z.strictObject(fields).openapi('RoutineInput');
export type RoutineInputValue = z.infer<typeof RoutineInput>;

export const RoutinePatch = z
  .strictObject(fields)
  .partial()
  .describe('Only the fields to change; a tracked change makes a new revision.')
  .openapi('RoutinePatch');
export type RoutinePatchValue = z.infer<typeof RoutinePatch>;

export const RoutineFire = z
  .object({
    id: z.string(),
    trigger: z.enum(ROUTINE_TRIGGERS),
    status: z.enum(ROUTINE_FIRE_STATUSES),
    reason: z.string().nullable().describe('Why it was skipped or failed.'),
    scheduledFor: z.string().describe('The cron time it stands for, or when it arrived.'),
    createdAt: z.string(),
    actor: z.string().describe('cron, webhook, or the API caller.'),
    duplicate: z.boolean().optional().describe('True: this key had already fired; nothing new.'),
    mission: z
      .object({ id: z.string(), title: z.string(), status: z.enum(MISSION_STATUSES) })
      .nullable(),
    planningJobId: z.string().nullable(),
  })
  .openapi('RoutineFire');

export const Routine = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(ROUTINE_KINDS),
    template: ProposeMission.nullable(),
    agent: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
    repository: z.string().nullable().describe("The template's for a mission routine."),
    targetBranch: z.string(),
    cron: z.string().nullable(),
    timeZone: z.string(),
    nextRunAt: z.string().nullable().describe('Null: no schedule, or paused.'),
    webhook: z.object({ url: z.string() }).nullable(),
    preApproved: z.boolean(),
    preApprovedBy: z.string().nullable(),
    concurrency: z.enum(ROUTINE_CONCURRENCY),
    catchUp: z.enum(ROUTINE_CATCH_UP),
    paused: z.boolean(),
    pausedAt: z.string().nullable(),
    pausedBy: z.string().nullable(),
    lastFire: z.union([RoutineFire, z.null()]),
    revision: z.number().int(),
    createdBy: z.string(),
    archivedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Routine');

export const WebhookSecret = z
  .string()
  .nullable()
  .describe('Shown once, here only: sign each delivery with it (X-Hub-Signature-256).');

export const RoutineRevision = z
  .object({
    number: z.number().int(),
    actor: z.string(),
    reason: z.string().nullable(),
    createdAt: z.string(),
    diff: z.array(ChangeEntry),
    after: z.record(z.string(), z.unknown()),
  })
  .openapi('RoutineRevision');

/** The pages' cursor: `<createdAt ms>.<id>`, since fires can share a millisecond. */
export const Page = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d+\.[\w-]+$/, 'must be the nextCursor of a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
