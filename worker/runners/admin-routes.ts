import { OpenAPIHono, z } from '@hono/zod-openapi';
import { desc, eq } from 'drizzle-orm';
import { runners } from '../../drizzle/schema';
import { auditInsert } from '../audit/record';
import { randomToken, sha256 } from '../auth/crypto';
import { database } from '../db/client';
import type { HonoEnv } from '../env';
import { ApiError } from '../http/errors';
import { defineRoute, jsonBody, jsonResponse } from '../http/route';
import { validationHook } from '../http/validation';
import { Capability, type CapabilityEntry, ServedRepository } from './capabilities';
import { TOKEN_PREFIX } from './guard';

const tags = ['Runners'];
const Runner = z
  .object({
    id: z.string(),
    name: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    capabilities: z
      .array(Capability)
      .nullable()
      .describe('What the runner said it can run when it started; null: it never said.'),
    capabilitiesAt: z.string().nullable(),
    runnerVersion: z
      .string()
      .nullable()
      .describe('The runner CLI’s version, as it said when it started; null: it never said.'),
    repositories: z
      .array(ServedRepository)
      .nullable()
      .describe(
        'The repositories it serves (pushes: it pushes to their remote); null: never said.',
      ),
    disk: z
      .object({ freeBytes: z.number().int(), clones: z.number().int(), at: z.string() })
      .nullable()
      .describe('Its disk as it last said with a claim or heartbeat; null: never said.'),
    currentTasks: z
      .array(z.object({ id: z.string(), title: z.string() }))
      .describe('The tasks running on it now.'),
  })
  .openapi('Runner');

const register = defineRoute('admin', {
  operationId: 'registerRunner',
  method: 'post',
  path: '/api/runners',
  tags,
  summary: 'Register a runner; its token is in this answer only (HQ keeps a hash)',
  request: { body: jsonBody(z.strictObject({ name: z.string().trim().min(1).max(80) })) },
  responses: {
    201: jsonResponse(
      Runner.extend({
        token: z.string(),
        startCommand: z
          .string()
          .describe(
            'The command line that starts it against this HQ, the token in its environment.',
          ),
      }),
      'Registered; copy the token now.',
    ),
  },
});

const list = defineRoute('admin', {
  operationId: 'listRunners',
  method: 'get',
  path: '/api/runners',
  tags,
  summary: 'Registered runners',
  responses: { 200: jsonResponse(z.object({ runners: z.array(Runner) }), 'Runners.') },
});

const revoke = defineRoute('admin', {
  operationId: 'revokeRunner',
  method: 'delete',
  path: '/api/runners/{id}',
  tags,
  summary: 'Revoke a runner: its token stops working at once',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 200: jsonResponse(Runner, 'Revoked.') },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
type Running = { id: string; title: string };
const view = (r: typeof runners.$inferSelect, running: Running[] = []) => ({
  id: r.id,
  name: r.name,
  createdBy: r.createdBy,
  createdAt: new Date(r.createdAt).toISOString(),
  lastSeenAt: iso(r.lastSeenAt),
  revokedAt: iso(r.revokedAt),
  // Stored only after the Capabilities schema accepted it.
  capabilities: r.capabilities as CapabilityEntry[] | null,
  capabilitiesAt: iso(r.capabilitiesAt),
  runnerVersion: r.runnerVersion,
  repositories: r.repositories,
  disk:
    r.freeDiskBytes === null || r.clones === null || r.diskAt === null
      ? null
      : { freeBytes: r.freeDiskBytes, clones: r.clones, at: new Date(r.diskAt).toISOString() },
  currentTasks: running,
});

/** The tasks running now, by runner: one read of the RUNNING tasks (tasks_status_idx). */
async function runningByRunner(env: Env): Promise<Map<string, Running[]>> {
  const { results } = await env.DB.prepare(
    "SELECT id, title, runner_id FROM tasks WHERE status = 'RUNNING' AND runner_id IS NOT NULL ORDER BY created_at",
  ).all<Running & { runner_id: string }>();
  const byRunner = new Map<string, Running[]>();
  for (const { runner_id, id, title } of results) {
    const list = byRunner.get(runner_id) ?? [];
    list.push({ id, title });
    byRunner.set(runner_id, list);
  }
  return byRunner;
}

export const runnerAdminRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

runnerAdminRoutes.openapi(register, async (c) => {
  const token = `${TOKEN_PREFIX}${randomToken(32)}`;
  const row = {
    id: crypto.randomUUID(),
    name: c.req.valid('json').name,
    tokenHash: await sha256(token),
    createdBy: c.get('user').email,
    createdAt: Date.now(),
    lastSeenAt: null,
    revokedAt: null,
    capabilities: null,
    capabilitiesAt: null,
    runnerVersion: null,
    repositories: null,
    freeDiskBytes: null,
    clones: null,
    diskAt: null,
  };
  const db = database(c.env);
  await db.batch([
    db.insert(runners).values(row),
    auditInsert(db, c, {
      action: 'runner.register',
      entityType: 'runner',
      entityId: row.id,
      summary: { name: row.name },
    }),
  ]);
  // Where this HQ was reached is where the runner should reach it.
  const server = new URL(c.req.url).origin;
  const startCommand = `HQ_RUNNER_TOKEN=${token} npm run runner -- --server ${server} --repo NAME=PATH --command "your-agent-cli"`;
  return c.json({ ...view(row), token, startCommand }, 201);
});

runnerAdminRoutes.openapi(list, async (c) => {
  const rows = await database(c.env).select().from(runners).orderBy(desc(runners.createdAt)).all();
  const running = await runningByRunner(c.env);
  return c.json({ runners: rows.map((r) => view(r, running.get(r.id))) }, 200);
});

runnerAdminRoutes.openapi(revoke, async (c) => {
  const { id } = c.req.valid('param');
  const db = database(c.env);
  const row = await db.select().from(runners).where(eq(runners.id, id)).get();
  if (!row) throw new ApiError('not_found', `No runner ${id}.`);
  const revokedAt = row.revokedAt ?? Date.now();
  await db.batch([
    db.update(runners).set({ revokedAt }).where(eq(runners.id, id)),
    auditInsert(db, c, {
      action: 'runner.revoke',
      entityType: 'runner',
      entityId: id,
      summary: { name: row.name },
    }),
  ]);
  return c.json(view({ ...row, revokedAt }), 200);
});
