import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { eventsAfter } from './feed';

const events = defineRoute('viewer', {
  operationId: 'listEvents',
  method: 'get',
  path: '/api/events',
  tags: ['Events'],
  summary: 'The domain event feed (task moves, agent revisions), oldest first after a cursor',
  request: {
    query: z.strictObject({
      after: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        events: z.array(z.looseObject({ id: z.number(), type: z.string(), at: z.string() })),
        next: z.number(),
      }),
      'Events; pass `next` as `after` to continue.',
    ),
  },
});

export const eventRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

eventRoutes.openapi(events, async (c) => {
  const { after, limit } = c.req.valid('query');
  const list = await eventsAfter(c.env, after, limit);
  return c.json({ events: list, next: list.at(-1)?.id ?? after }, 200);
});
