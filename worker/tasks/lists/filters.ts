import { z } from '@hono/zod-openapi';
import { eq, inArray, type SQL } from 'drizzle-orm';
import { agents, missions, tasks } from '../../../drizzle/schema';
import type { database } from '../../db/client';

/** The filters every task list and count shares (status is the list's own). */
export const ListFilters = {
  missionId: z.string().max(100).optional(),
  agent: z.string().max(60).optional().describe('Agent slug.'),
  repository: z
    .string()
    .max(200)
    .optional()
    .describe('The repository of the task’s mission, e.g. `acme/app`.'),
};

export interface Filters {
  missionId?: string | undefined;
  agent?: string | undefined;
  repository?: string | undefined;
}

/**
 * The SQL conditions for `filters`; an agent slug nobody has matches no task. Subqueries, not
 * reads of their own: a list's whole read is one statement, so it can ride in the sign-in
 * check's batch (routes.ts).
 */
export function filterConditions(db: ReturnType<typeof database>, filters: Filters): SQL[] {
  const where: SQL[] = [];
  if (filters.missionId) where.push(eq(tasks.missionId, filters.missionId));
  if (filters.agent) {
    const agent = db.select({ id: agents.id }).from(agents).where(eq(agents.slug, filters.agent));
    where.push(inArray(tasks.agentId, agent));
  }
  if (filters.repository) {
    // Missions are few beside their tasks: the subquery is read once, then tasks by mission.
    where.push(
      inArray(
        tasks.missionId,
        db
          .select({ id: missions.id })
          .from(missions)
          .where(eq(missions.repository, filters.repository)),
      ),
    );
  }
  return where;
}
