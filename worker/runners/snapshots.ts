import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { repositorySnapshots } from '../../drizzle/schema';
import { database } from '../db/client';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { RepositoryName } from '../missions/repository-name';

// A repository's tracked files as the runners that serve it last saw them (runner/repo-snapshot.ts
// reports them at start, every ten minutes and after each merge). The CEO drafts a mission's
// scopes from these paths; planning runs compare heads to see whether anything changed.

/** The most paths a runner sends; fileCount still says how many the branch tracks. */
export const MAX_SNAPSHOT_FILES = 5_000;

// The name travels as one path segment: `acme%2Fapp` (Hono decodes the parameter).
const NameParam = z.object({ name: z.string().pipe(RepositoryName) });

const SnapshotInput = z
  .strictObject({
    branch: z
      .string()
      .trim()
      .regex(/^(?!-)[\w./-]{1,200}$/, 'not a branch name'),
    headCommit: z.string().regex(/^[0-9a-f]{40}$/, 'must be a full commit hash (40 hex digits)'),
    files: z.array(z.string().min(1).max(1_000)).max(MAX_SNAPSHOT_FILES),
    fileCount: z.number().int().min(0).max(10_000_000).describe('Files the branch tracks in all.'),
  })
  .refine((s) => s.fileCount >= s.files.length, {
    message: 'must be at least the number of files sent',
    path: ['fileCount'],
  })
  .openapi('RepositorySnapshotInput');

const Snapshot = z
  .object({
    repository: z.string(),
    runner: z.object({ id: z.string(), name: z.string() }),
    branch: z.string(),
    headCommit: z.string(),
    files: z.array(z.string()),
    fileCount: z.number().int().describe('Above files.length when the runner cut the list.'),
    reportedAt: z.string(),
  })
  .openapi('RepositorySnapshot');
export type SnapshotView = z.infer<typeof Snapshot>;

export const putSnapshot = defineRoute('runner', {
  operationId: 'putRepositorySnapshot',
  method: 'put',
  path: '/api/runner/repositories/{name}/snapshot',
  tags: ['Runner API'],
  summary:
    'Report the tracked files and head of a served repository’s default branch (at start, every 10 minutes, after merges)',
  request: { params: NameParam, body: jsonBody(SnapshotInput) },
  responses: {
    200: jsonResponse(
      Snapshot.omit({ files: true }).extend({ files: z.number().int() }),
      'Stored; `files` is how many paths were kept.',
    ),
  },
});

export const getFiles = defineRoute('viewer', {
  operationId: 'listRepositoryFiles',
  method: 'get',
  path: '/api/repositories/{name}/files',
  tags: ['Runners'],
  summary: 'The newest reported file list of a repository (name URL-encoded: acme%2Fapp)',
  request: { params: NameParam },
  responses: { 200: jsonResponse(Snapshot, 'The newest snapshot any runner reported.') },
});

/** Replaces what this runner last reported for the repository. */
export async function storeSnapshot(
  env: Env,
  runnerId: string,
  repository: string,
  input: z.infer<typeof SnapshotInput>,
  now: number,
) {
  const row = { repository, runnerId, ...input, reportedAt: now };
  await database(env)
    .insert(repositorySnapshots)
    .values(row)
    .onConflictDoUpdate({
      target: [repositorySnapshots.repository, repositorySnapshots.runnerId],
      set: {
        branch: row.branch,
        headCommit: row.headCommit,
        files: sql`excluded.files`,
        fileCount: row.fileCount,
        reportedAt: now,
      },
    })
    .run();
  return row;
}

/** The newest snapshot of a repository (whichever runner sent it), or null when none has. */
export async function newestSnapshot(env: Env, repository: string): Promise<SnapshotView | null> {
  const row = await env.DB.prepare(
    `SELECT s.branch, s.head_commit AS headCommit, s.files, s.file_count AS fileCount,
       s.reported_at AS reportedAt, s.runner_id AS runnerId, r.name AS runnerName
     FROM repository_snapshots s JOIN runners r ON r.id = s.runner_id
     WHERE s.repository = ? ORDER BY s.reported_at DESC LIMIT 1`,
  )
    .bind(repository)
    .first<{
      branch: string;
      headCommit: string;
      files: string;
      fileCount: number;
      reportedAt: number;
      runnerId: string;
      runnerName: string;
    }>();
  if (!row) return null;
  return {
    repository,
    runner: { id: row.runnerId, name: row.runnerName },
    branch: row.branch,
    headCommit: row.headCommit,
    files: JSON.parse(row.files) as string[],
    fileCount: row.fileCount,
    reportedAt: new Date(row.reportedAt).toISOString(),
  };
}
