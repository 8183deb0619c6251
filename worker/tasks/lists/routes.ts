// The task lists: the paged list, counts by state and throughput. Mounted before
// /api/tasks/{id} so that `counts` and `throughput` are not read as task ids.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { TASK_STATUSES, tasks } from '../../../drizzle/schema';
import { database } from '../../db/client';
import type { HonoEnv } from '../../env';
import { defineRoute, jsonResponse } from '../../http/route';
import { readsAfterSignIn } from '../../http/sign-in-reads';
import { validationHook } from '../../http/validation';
import { Task } from '../schemas';
import { taskView } from '../views';
import { countTasks } from './counts';
import { afterCursor, CursorParam, cursorOf } from './cursor';
import { filterConditions, ListFilters } from './filters';
import { throughput } from './throughput';

const tags = ['Tasks'];
const Count = z.number().int();

const ListQuery = z.strictObject({
  status: z.enum(TASK_STATUSES).optional(),
  ...ListFilters,
  order: z.enum(['newest', 'oldest']).default('newest'),
  cursor: CursorParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/** One page of tasks (one more row than the page, to tell whether another follows). */
function pageQuery(c: Context<HonoEnv>, q: z.infer<typeof ListQuery>) {
  const db = database(c.env);
  const where = filterConditions(db, q);
  if (q.status) where.push(eq(tasks.status, q.status));
  if (q.cursor) {
    const after = afterCursor(q.cursor, q.order);
    if (after) where.push(after);
  }
  const by = q.order === 'newest' ? desc : asc;
  return db
    .select()
    .from(tasks)
    .where(and(...where))
    .orderBy(by(tasks.createdAt), by(tasks.id))
    .limit(q.limit + 1);
}

/**
 * The page, read with the sign-in check (it is on the core path, `npm run bench`). Built from
 * the raw query as the route's validator sees it (a key given twice is an array, which fails
 * it), so a query that validates reads the same page here; one that does not is answered 400
 * and its read, of one row, is dropped.
 */
const listReads = (c: Context<HonoEnv>) => {
  const raw = Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0] : v]);
  const parsed = ListQuery.safeParse(Object.fromEntries(raw));
  return [pageQuery(c, parsed.success ? parsed.data : { order: 'newest', limit: 0 })] as const;
};

const list = defineRoute(
  'viewer',
  {
    operationId: 'listTasks',
    method: 'get',
    path: '/api/tasks',
    tags,
    summary: 'Tasks, newest first (or oldest), by status, mission, agent or repository',
    request: { query: ListQuery },
    responses: {
      200: jsonResponse(
        z.object({ items: z.array(Task), nextCursor: z.string().nullable() }),
        'A page of tasks; nextCursor fetches the next one (null: the last page).',
      ),
    },
  },
  { readsWithSignIn: listReads },
);

const counts = defineRoute('viewer', {
  operationId: 'countTasks',
  method: 'get',
  path: '/api/tasks/counts',
  tags,
  summary: 'How many tasks are in each state, by mission, agent or repository',
  request: { query: z.strictObject(ListFilters) },
  responses: {
    200: jsonResponse(
      z.object({
        byStatus: z.object(Object.fromEntries(TASK_STATUSES.map((s) => [s, Count]))),
        toReview: Count.describe('In REVIEW without a verdict.'),
        awaitingMerge: Count.describe('In REVIEW, approved, waiting for a runner to merge.'),
        total: Count,
      }),
      'Counts.',
    ),
  },
});

const done = defineRoute('viewer', {
  operationId: 'getTaskThroughput',
  method: 'get',
  path: '/api/tasks/throughput',
  tags,
  summary: 'Tasks that entered DONE per UTC day, every day present',
  request: {
    query: z.strictObject({ days: z.coerce.number().int().min(1).max(365).default(30) }),
  },
  responses: {
    200: jsonResponse(
      z.object({ days: z.array(z.object({ day: z.string(), done: Count })) }),
      'Oldest day first, today last.',
    ),
  },
});

export const taskListRoutes = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook });

taskListRoutes.openapi(list, async (c) => {
  const q = c.req.valid('query');
  const [rows] = await readsAfterSignIn(c, listReads);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return c.json(
    {
      items: page.map(taskView),
      nextCursor: rows.length > q.limit && last ? cursorOf(last) : null,
    },
    200,
  );
});

taskListRoutes.openapi(counts, async (c) => {
  const db = database(c.env);
  return c.json(await countTasks(db, filterConditions(db, c.req.valid('query'))), 200);
});

taskListRoutes.openapi(done, async (c) => {
  return c.json({ days: await throughput(c.env.DB, c.req.valid('query').days) }, 200);
});
