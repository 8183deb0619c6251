import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { runners } from '../../drizzle/schema';
import { EXECUTOR_PRESETS, type ExecutorPreset } from '../agents/catalog';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import { markRunnerWaits } from '../tasks/runner-waits';

// What a runner can run: it probes its CLIs when it starts and declares them here; the claim
// then hands it only tasks whose agent's preset is among them (or whose agent has none).

export const Capability = z
  .strictObject({
    preset: z.enum(EXECUTOR_PRESETS),
    version: z
      .string()
      .trim()
      .max(200)
      .nullable()
      .describe('The CLI’s version line (`claude --version`), or null where there is none.'),
  })
  .openapi('RunnerCapability');
export type CapabilityEntry = z.infer<typeof Capability>;

export const Capabilities = z
  .array(Capability)
  .max(EXECUTOR_PRESETS.length)
  .refine(
    (list) => new Set(list.map((c) => c.preset)).size === list.length,
    'each preset at most once',
  );

/** The presets a runner declared; none when it never said (it then runs only agents without one). */
export async function runnerPresets(env: Env, runnerId: string): Promise<ExecutorPreset[]> {
  const row = await database(env)
    .select({ capabilities: runners.capabilities })
    .from(runners)
    .where(eq(runners.id, runnerId))
    .get();
  return (row?.capabilities ?? []).map((c) => c.preset as ExecutorPreset);
}

/**
 * Stores what the runner can run (replacing what it said before), audits a change, and
 * re-reads which assigned tasks still wait for a runner that can run their preset.
 */
export async function declareCapabilities(
  env: Env,
  runner: { id: string; name: string },
  capabilities: CapabilityEntry[],
  requestId: string,
): Promise<void> {
  const db = database(env);
  const now = Date.now();
  const before = await db
    .select({ capabilities: runners.capabilities })
    .from(runners)
    .where(eq(runners.id, runner.id))
    .get();
  const update = db
    .update(runners)
    .set({ capabilities, capabilitiesAt: now })
    .where(eq(runners.id, runner.id));
  if (JSON.stringify(before?.capabilities ?? null) === JSON.stringify(capabilities)) {
    await update.run();
  } else {
    await db.batch([
      update,
      auditRow(db, {
        actor: `runner:${runner.id}`,
        requestId,
        action: 'runner.capabilities',
        entityType: 'runner',
        entityId: runner.id,
        summary: { name: runner.name, before: before?.capabilities ?? null, after: capabilities },
      }),
    ]);
  }
  await markRunnerWaits(env.DB, now);
}
