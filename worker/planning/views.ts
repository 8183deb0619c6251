import { z } from '@hono/zod-openapi';
import { PLANNING_JOB_STATUSES } from '../../drizzle/schema';
import { ApiError } from '../http/errors';

/** A planning run as a routine's history links to it. */
export const PlanningJob = z
  .object({
    id: z.string(),
    routineId: z.string(),
    agent: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
    repository: z.string(),
    targetBranch: z.string(),
    status: z.enum(PLANNING_JOB_STATUSES),
    fingerprint: z.string().describe('sha256 of the repository head and open missions it read.'),
    attempts: z.number().int(),
    proposed: z.number().int().describe('Missions it proposed.'),
    merged: z
      .number()
      .int()
      .describe('Proposals merged into (or answered as duplicates of) open missions.'),
    error: z
      .string()
      .nullable()
      .describe('Why it failed; on a DONE run, the proposals HQ refused.'),
    inputTokens: z.number().nullable(),
    outputTokens: z.number().nullable(),
    costUsd: z.number().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('PlanningJob');

interface Row {
  id: string;
  routine_id: string;
  agent_id: string;
  slug: string;
  name: string;
  repository: string;
  target_branch: string;
  status: (typeof PLANNING_JOB_STATUSES)[number];
  fingerprint: string;
  attempts: number;
  proposed: number;
  merged: number;
  error: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One planning job; 404 for no such job. */
export async function getPlanningJob(db: D1Database, id: string) {
  const r = await db
    .prepare(
      'SELECT j.*, a.slug, a.name FROM planning_jobs j JOIN agents a ON a.id = j.agent_id WHERE j.id = ?',
    )
    .bind(id)
    .first<Row>();
  if (!r) throw new ApiError('not_found', `No planning job ${id}.`);
  return {
    id: r.id,
    routineId: r.routine_id,
    agent: { id: r.agent_id, slug: r.slug, name: r.name },
    repository: r.repository,
    targetBranch: r.target_branch,
    status: r.status,
    fingerprint: r.fingerprint,
    attempts: r.attempts,
    proposed: r.proposed,
    merged: r.merged,
    error: r.error,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    costUsd: r.cost_usd,
    createdAt: iso(r.created_at) ?? '',
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  };
}
