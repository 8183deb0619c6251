import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { resealAgentSecrets } from './reseal';

const ResealReport = z
  .object({
    resealed: z.number().int().describe('Values re-sealed under the current ENCRYPTION_KEY.'),
    alreadyCurrent: z.number().int().describe('Values already sealed under it: left alone.'),
    unreadable: z
      .number()
      .int()
      .describe('Values no key opens: left as they are, for an old key that may still turn up.'),
    unreadableAgents: z.array(z.object({ slug: z.string(), servers: z.array(z.string()) })),
  })
  .openapi('ResealReport');

const reseal = defineRoute('admin', {
  operationId: 'resealSecrets',
  method: 'post',
  path: '/api/admin/secrets/reseal',
  tags: ['Secrets'],
  summary:
    'Re-seal every stored secret under the current ENCRYPTION_KEY (idempotent, audited with counts)',
  responses: { 200: jsonResponse(ResealReport, 'What was re-sealed, and what no key opens.') },
});

export const resealRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

resealRoutes.openapi(reseal, async (c) => {
  const report = await resealAgentSecrets(c.env, {
    actor: c.get('user').email,
    requestId: c.get('requestId'),
  });
  return c.json(report, 200);
});
