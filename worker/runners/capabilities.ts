import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { runners } from '../../drizzle/schema';
import { EXECUTOR_PRESETS, type ExecutorPreset } from '../agents/catalog';
import { auditRow } from '../audit/record';
import { database } from '../db/client';
import { RepositoryName } from '../missions/repository-name';
import { markRunnerWaits } from '../tasks/runner-waits';
import type { RunnerRepository } from './wire';

// What a runner can run and where: it probes its CLIs when it starts and declares them here,
// with the repositories it serves; the claim then hands it only tasks whose agent's preset is
// among them (or whose agent has none) and whose mission's repository it serves.

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

export const ServedRepository = z
  .strictObject({
    name: RepositoryName,
    pushes: z
      .boolean()
      .describe('It pushes this repository’s task branches and merged target branches (--push).'),
  })
  .openapi('RunnerRepository');

export const ServedRepositories = z
  .array(ServedRepository)
  .max(50)
  .refine(
    (list) => new Set(list.map((r) => r.name)).size === list.length,
    'each repository at most once',
  );

/** The runner CLI's own version (`npm run runner -- --version`). */
export const RunnerVersion = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe('The runner CLI’s own version; left out by runners older than this field.');

export interface Declaration {
  capabilities: CapabilityEntry[];
  /** Null: the runner did not say (an older runner): it serves none, so it claims nothing. */
  repositories: RunnerRepository[] | null;
  /** Null: the runner did not say (an older runner). */
  runnerVersion: string | null;
}

/** The presets a runner declared (none when it never said) and the names of the repositories it serves. */
export async function runnerOffer(
  env: Env,
  runnerId: string,
): Promise<{ presets: ExecutorPreset[]; repositories: string[] }> {
  const row = await database(env)
    .select({ capabilities: runners.capabilities, repositories: runners.repositories })
    .from(runners)
    .where(eq(runners.id, runnerId))
    .get();
  return offerOf(row);
}

/** The offer of a runner row (the runner guard reads it with the token). */
export function offerOf(
  row: Pick<typeof runners.$inferSelect, 'capabilities' | 'repositories'> | undefined,
): { presets: ExecutorPreset[]; repositories: string[] } {
  return {
    presets: (row?.capabilities ?? []).map((c) => c.preset as ExecutorPreset),
    repositories: (row?.repositories ?? []).map((r) => r.name),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Stores what the runner can run and serves (replacing what it said before), audits each
 * change, and re-reads which assigned tasks still wait for a runner that can run them.
 */
export async function declareCapabilities(
  env: Env,
  runner: { id: string; name: string },
  declared: Declaration,
  requestId: string,
): Promise<void> {
  const db = database(env);
  const now = Date.now();
  const before = await db
    .select({
      capabilities: runners.capabilities,
      repositories: runners.repositories,
      runnerVersion: runners.runnerVersion,
    })
    .from(runners)
    .where(eq(runners.id, runner.id))
    .get();
  const audit = (action: string, from: unknown, to: unknown) =>
    auditRow(db, {
      actor: `runner:${runner.id}`,
      requestId,
      action,
      entityType: 'runner',
      entityId: runner.id,
      summary: { name: runner.name, before: from ?? null, after: to },
    });
  const audits = [
    ...(same(before?.capabilities, declared.capabilities)
      ? []
      : [audit('runner.capabilities', before?.capabilities, declared.capabilities)]),
    ...(same(before?.repositories, declared.repositories)
      ? []
      : [audit('runner.repositories', before?.repositories, declared.repositories)]),
    ...(same(before?.runnerVersion, declared.runnerVersion)
      ? []
      : [audit('runner.version', before?.runnerVersion, declared.runnerVersion)]),
  ];
  await db.batch([
    db
      .update(runners)
      .set({ ...declared, capabilitiesAt: now })
      .where(eq(runners.id, runner.id)),
    ...audits,
  ]);
  await markRunnerWaits(env.DB, now);
}
