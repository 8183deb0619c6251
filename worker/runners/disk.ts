import { z } from '@hono/zod-openapi';
import { liveRunnerSql } from './guard';
import type { Disk as DiskReport } from './wire';

// A runner keeps a clone per task; its disk fills as they pile up. It says how much is free
// with its claims and heartbeats, and Settings → Runners shows it with the clone count.

export const Disk = z
  .strictObject({
    freeBytes: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .describe('Free bytes where the runner keeps its clones.'),
    clones: z.number().int().min(0).max(1_000_000).describe('Clones the runner holds now.'),
  })
  .openapi('RunnerDisk');

/** A runner as a statement names it: by id, or by its token's hash while it is live. */
export type RunnerKey = { id: string } | { tokenHash: string };

/**
 * The update that stores what a runner said of its disk, now. `whileHolding`: a task id, for a
 * heartbeat's batch: it writes only if the runner still holds that task RUNNING, so a refused
 * beat writes nothing.
 */
export function diskStatement(
  db: D1Database,
  runner: RunnerKey,
  disk: DiskReport,
  now: number,
  whileHolding?: string,
) {
  const [who, key] = 'id' in runner ? ['?4', runner.id] : [liveRunnerSql('?4'), runner.tokenHash];
  const held = whileHolding
    ? ` AND EXISTS (SELECT 1 FROM tasks WHERE id = ?5 AND runner_id = ${who} AND status = 'RUNNING')`
    : '';
  return db
    .prepare(
      `UPDATE runners SET free_disk_bytes = ?1, clones = ?2, disk_at = ?3 WHERE id = ${who}${held}`,
    )
    .bind(disk.freeBytes, disk.clones, now, key, ...(whileHolding ? [whileHolding] : []));
}
