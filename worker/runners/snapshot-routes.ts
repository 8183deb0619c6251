import { OpenAPIHono } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { validationHook } from '../http/validation';
import { runnerOffer } from './capabilities';
import { getFiles, newestSnapshot, putSnapshot, storeSnapshot } from './snapshots';

export const snapshotRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

snapshotRoutes.openapi(putSnapshot, async (c) => {
  const { name } = c.req.valid('param');
  const runner = c.get('runner');
  // Only what this runner declared it serves: a runner cannot speak for another's repository.
  const { repositories } = await runnerOffer(c.env, runner.id);
  if (!repositories.includes(name))
    throw new ApiError(
      'forbidden',
      `Runner ${runner.name} does not serve repository ${name} (it declared: ${repositories.join(', ') || 'none'}); declare it in PUT /api/runner/capabilities first.`,
    );
  const body = c.req.valid('json');
  const row = await storeSnapshot(c.env, runner.id, name, body, Date.now());
  return c.json(
    {
      repository: name,
      runner,
      branch: row.branch,
      headCommit: row.headCommit,
      files: row.files.length,
      fileCount: row.fileCount,
      reportedAt: new Date(row.reportedAt).toISOString(),
    },
    200,
  );
});

snapshotRoutes.openapi(getFiles, async (c) => {
  const { name } = c.req.valid('param');
  const snapshot = await newestSnapshot(c.env, name);
  if (!snapshot)
    throw new ApiError(
      'not_found',
      `No runner has reported the files of repository ${name} yet (runners report at start and every 10 minutes).`,
    );
  return c.json(snapshot, 200);
});
