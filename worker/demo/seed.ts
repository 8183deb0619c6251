import { sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { agentRevisions, agents, missions } from '../../drizzle/schema';
import type { ExecutorConfig } from '../agents/catalog';
import { creationRevision } from '../agents/store';
import { database } from '../db/client';
import { envValue, type HonoEnv } from '../env';
import { demoAgents, demoMission } from './company';

/** Seeds the demo company when the database has no agents. Fixed ids make it idempotent. */
export async function seedDemoCompany(env: Env): Promise<boolean> {
  const db = database(env);
  const existing = await db.select({ n: sql<number>`count(*)` }).from(agents).get();
  if ((existing?.n ?? 0) > 0) return false;
  const now = Date.now();
  const stamp = { createdAt: now, updatedAt: now };
  await db.batch([
    db
      .insert(agents)
      .values(demoAgents.map((a) => ({ ...a, ...stamp })))
      .onConflictDoNothing(),
    db
      .insert(agentRevisions)
      .values(
        demoAgents.map((a) => creationRevision(a.id, 'demo', demoConfig(a), now, 'demo company')),
      )
      .onConflictDoNothing(),
    db
      .insert(missions)
      .values({ ...demoMission, ...stamp })
      .onConflictDoNothing(),
  ]);
  return true;
}

/** The tracked config of a demo agent (demo agents have no MCP servers). */
function demoConfig(agent: (typeof demoAgents)[number]) {
  return {
    name: agent.name,
    type: agent.type,
    role: agent.role,
    identity: agent.identity ?? '',
    model: agent.model,
    provider: agent.provider,
    tools: agent.tools ?? [],
    mcpServers: {},
    schedule: agent.schedule ?? null,
    workerEnabled: agent.workerEnabled ?? true,
    executor: (agent.executor as ExecutorConfig | null | undefined) ?? null,
  };
}

let seeded: Promise<boolean> | undefined;

/** With DEMO_COMPANY=true (local development), seeds once per isolate before the first request. */
export function demoCompany(): MiddlewareHandler<HonoEnv> {
  return async function demoCompany(c, next) {
    if (envValue(c.env, 'DEMO_COMPANY') === 'true') {
      seeded ??= seedDemoCompany(c.env).catch((error: unknown) => {
        seeded = undefined;
        throw error;
      });
      await seeded;
    }
    await next();
  };
}
