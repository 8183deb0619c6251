import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { HonoEnv } from '../env';
import { unwrap } from '../errors';
import { defineRoute, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { ceo } from './client';

const Guard = z.object({ closed: z.boolean(), until: z.string().nullable() });

const CeoState = z
  .object({
    now: z.string().nullable(),
    queueDepth: z.number().int(),
    deadLetters: z.array(
      z.object({
        key: z.string(),
        kind: z.string(),
        error: z.string(),
        attempts: z.number().int(),
        at: z.string().nullable(),
      }),
    ),
    eventCursor: z.number().int(),
    digest: z.object({
      size: z.number().int(),
      folded: z
        .number()
        .int()
        .describe(
          'Older members kept as a count only (the buffer is capped); the digest adds them.',
        ),
      dueAt: z.string().nullable(),
      flushInProgress: z.string().nullable(),
      members: z.array(
        z.object({
          id: z.string(),
          type: z.string(),
          text: z.string(),
          lowSignal: z.boolean(),
          at: z.string().nullable(),
        }),
      ),
    }),
    guards: z.record(z.string(), Guard),
    lastOperatorMessageAt: z.string().nullable(),
    lastProactiveSentAt: z.string().nullable(),
    lastScanAt: z.string().nullable(),
    lastSends: z.array(z.looseObject({ id: z.string(), eventType: z.string() })),
    model: z.object({
      configured: z.boolean(),
      voiceSpentTodayUsd: z.number(),
      voiceDailyBudgetUsd: z.number(),
    }),
  })
  .openapi('CeoState');

const state = defineRoute('operator', {
  operationId: 'getCeoState',
  method: 'get',
  path: '/api/ceo/state',
  tags: ['CEO'],
  summary:
    "Inside the CEO: queue depth, items set aside after failing, digest buffer, guards' states, last sends",
  responses: { 200: jsonResponse(CeoState, 'The CEO’s state now.') },
});

const Finding = z.object({
  trigger: z.string(),
  subject: z.string(),
  text: z.string(),
  status: z.enum(['sent', 'suppressed']),
  reason: z.string().nullable(),
});

const scan = defineRoute('operator', {
  operationId: 'runCeoScan',
  method: 'post',
  path: '/api/ceo/scan',
  tags: ['CEO'],
  summary: 'Run the ops scan now: every trigger, with dedup of recent findings',
  responses: {
    200: jsonResponse(
      z.object({
        id: z.string(),
        findings: z.array(Finding),
        sent: z.boolean(),
        reason: z.string().nullable(),
      }),
      'What the scan found and whether it was sent.',
    ),
  },
});

const tick = defineRoute('operator', {
  operationId: 'runCeoTick',
  method: 'post',
  path: '/api/ceo/tick',
  tags: ['CEO'],
  summary: 'Run what is due now (queue, digest, memory, briefing, hourly scan), as the cron does',
  responses: {
    200: jsonResponse(z.looseObject({ processed: z.number().int() }), 'What ran.'),
  },
});

export const ceoRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

ceoRoutes.openapi(state, async (c) => c.json(await ceo(c.env).state(), 200));
ceoRoutes.openapi(scan, async (c) => c.json(unwrap(await ceo(c.env).scan()), 200));
ceoRoutes.openapi(tick, async (c) => c.json(await ceo(c.env).tick(), 200));
