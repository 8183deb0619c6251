import { OpenAPIHono, z } from '@hono/zod-openapi';
import { configProblems } from '../config';
import type { HonoEnv } from '../env';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { secretsCheck } from './secrets-check';

const health = defineRoute('public', {
  operationId: 'getHealth',
  method: 'get',
  path: '/api/health',
  tags: ['Meta'],
  summary: 'Whether this server is configured to run safely, and if not, why',
  responses: {
    200: jsonResponse(
      z.object({
        ok: z.boolean(),
        problems: z.array(z.string()),
        checks: z.object({
          secrets: z
            .object({ status: z.enum(['ok', 'degraded']), message: z.string() })
            .describe(
              'Whether every sealed secret opens with ENCRYPTION_KEY or ENCRYPTION_KEY_PREVIOUS. Degraded: pages still work, the values no key opens read as [UNREADABLE].',
            ),
        }),
      }),
      'ok is false when any configuration problem would stop HQ working; checks report what works but needs attention.',
    ),
  },
});

export const healthRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

healthRoutes.openapi(health, async (c) => {
  const problems = configProblems(c.env);
  return c.json(
    { ok: problems.length === 0, problems, checks: { secrets: await secretsCheck(c) } },
    200,
  );
});
