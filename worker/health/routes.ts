import { OpenAPIHono, z } from '@hono/zod-openapi';
import { configProblems } from '../config';
import type { HonoEnv } from '../env';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';

const health = defineRoute('public', {
  method: 'get',
  path: '/api/health',
  tags: ['Meta'],
  summary: 'Whether this server is configured to run safely, and if not, why',
  responses: {
    200: jsonResponse(
      z.object({ ok: z.boolean(), problems: z.array(z.string()) }),
      'ok is false when any configuration problem would stop HQ working.',
    ),
  },
});

export const healthRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

healthRoutes.openapi(health, (c) => {
  const problems = configProblems(c.env);
  return c.json({ ok: problems.length === 0, problems }, 200);
});
