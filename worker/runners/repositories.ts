import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';

// The repositories the runners serve, as they declared them at start: what a mission can name
// and get worked on. The propose form offers them; the CEO knows them.

/** A runner that called within this long is online (it long-polls every few seconds while up). */
export const ONLINE_MS = 2 * 60_000;

const ServedBy = z.object({
  id: z.string(),
  name: z.string(),
  online: z.boolean().describe('Seen in the last two minutes.'),
  pushes: z.boolean().describe('It pushes this repository’s branches to its remote.'),
});
const Repository = z.object({ name: z.string(), runners: z.array(ServedBy) }).openapi('Repository');
export type ServedRepositoryView = z.infer<typeof Repository>;

const list = defineRoute('viewer', {
  operationId: 'listRepositories',
  method: 'get',
  path: '/api/repositories',
  tags: ['Runners'],
  summary: 'Every repository a runner (not revoked) serves, by name, with those runners',
  responses: {
    200: jsonResponse(z.object({ repositories: z.array(Repository) }), 'Repositories.'),
  },
});

/** Each repository a runner that is not revoked declared, sorted by name, with its runners. */
export async function servedRepositories(
  env: Env,
  now = Date.now(),
): Promise<ServedRepositoryView[]> {
  const { results } = await env.DB.prepare(
    `SELECT json_extract(s.value, '$.name') AS repository, r.id, r.name, r.last_seen_at AS seen,
       json_extract(s.value, '$.pushes') AS pushes
     FROM runners r, json_each(r.repositories) s
     WHERE r.revoked_at IS NULL
     ORDER BY repository, r.name, r.id`,
  ).all<{ repository: string; id: string; name: string; seen: number | null; pushes: number }>();
  const byName = new Map<string, ServedRepositoryView>();
  for (const row of results) {
    const entry = byName.get(row.repository) ?? { name: row.repository, runners: [] };
    entry.runners.push({
      id: row.id,
      name: row.name,
      online: row.seen !== null && row.seen >= now - ONLINE_MS,
      pushes: row.pushes === 1,
    });
    byName.set(row.repository, entry);
  }
  return [...byName.values()];
}

export const repositoryRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

repositoryRoutes.openapi(list, async (c) =>
  c.json({ repositories: await servedRepositories(c.env) }, 200),
);
