import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, errorOf, signInAs } from '../support/client';

const DAY_MS = 86_400_000;
let viewer: string;

/** A mission in `repository` and its tasks, straight into D1 (the lists only read rows). */
async function seed(
  repository: string,
  rows: { id: string; status: string; createdAt: number; verdict?: string | null }[],
) {
  const missionId = `m-${repository}`;
  await env.DB.prepare(
    `INSERT INTO missions (id, title, brief, repository, status, proposed_by, plan, created_at, updated_at)
     VALUES (?1, ?1, 'b', ?2, 'APPROVED', 'op@test.hq', '[]', 0, 0)`,
  )
    .bind(missionId, repository)
    .run();
  for (const row of rows) {
    await env.DB.prepare(
      `INSERT INTO tasks (id, mission_id, title, spec, expected_scope, status, verdict, created_at, updated_at)
       VALUES (?1, ?2, ?1, 's', '[]', ?3, ?4, ?5, ?5)`,
    )
      .bind(row.id, missionId, row.status, row.verdict ?? null, row.createdAt)
      .run();
  }
  return missionId;
}

const get = async <T>(path: string) => {
  const response = await call(path, { cookie: viewer });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
};

interface Page {
  items: { id: string; status: string }[];
  nextCursor: string | null;
}

beforeAll(async () => {
  viewer = await signInAs('viewer@test.hq');
});

describe('the task list', () => {
  it('filters by the mission’s repository', async () => {
    await seed('lists/one', [{ id: 'repo-a', status: 'DONE', createdAt: 1000 }]);
    await seed('lists/two', [{ id: 'repo-b', status: 'DONE', createdAt: 1000 }]);
    const page = await get<Page>('/api/tasks?repository=lists/one');
    expect(page.items.map((t) => t.id)).toEqual(['repo-a']);
    expect((await get<Page>('/api/tasks?repository=nobody/here')).items).toEqual([]);
  });

  it('pages through tasks created in the same millisecond, none skipped or twice', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `tie-${i}`);
    await seed(
      'lists/ties',
      ids.map((id, i) => ({ id, status: 'PENDING', createdAt: i < 5 ? 5000 : 4000 + i })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await get<Page>(
        `/api/tasks?repository=lists/ties&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
      if (cursor) expect(cursor).toMatch(/^\d+\.tie-\d$/);
    } while (cursor);
    // Newest first; within one millisecond by id, descending.
    expect(seen).toEqual(['tie-4', 'tie-3', 'tie-2', 'tie-1', 'tie-0', 'tie-6', 'tie-5']);
    const oldest = await get<Page>('/api/tasks?repository=lists/ties&order=oldest&limit=3');
    expect(oldest.items.map((t) => t.id)).toEqual(['tie-5', 'tie-6', 'tie-0']);
    const next = await get<Page>(
      `/api/tasks?repository=lists/ties&order=oldest&limit=3&cursor=${oldest.nextCursor}`,
    );
    expect(next.items.map((t) => t.id)).toEqual(['tie-1', 'tie-2', 'tie-3']);
    // The older cursor, a bare createdAt, still reads.
    const bare = await get<Page>('/api/tasks?repository=lists/ties&cursor=5000');
    expect(bare.items.map((t) => t.id)).toEqual(['tie-6', 'tie-5']);
  });

  it('refuses a cursor it did not make, naming the field', async () => {
    const response = await call('/api/tasks?cursor=yesterday', { cookie: viewer });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.fields).toEqual([
      { field: 'cursor', in: 'query', message: 'must be the nextCursor of a previous page' },
    ]);
  });
});

describe('task counts', () => {
  it('counts every state, reviews by verdict, filtered like the list', async () => {
    const missionId = await seed('lists/counts', [
      { id: 'c-1', status: 'PENDING', createdAt: 1 },
      { id: 'c-2', status: 'RUNNING', createdAt: 2 },
      { id: 'c-3', status: 'REVIEW', createdAt: 3 },
      { id: 'c-4', status: 'REVIEW', createdAt: 4, verdict: 'approve' },
      { id: 'c-5', status: 'REVIEW', createdAt: 5 },
      { id: 'c-6', status: 'DONE', createdAt: 6 },
    ]);
    const counts = await get<Record<string, unknown>>('/api/tasks/counts?repository=lists/counts');
    expect(counts).toEqual({
      byStatus: {
        PENDING: 1,
        ASSIGNED: 0,
        RUNNING: 1,
        REVIEW: 3,
        CHANGES_REQUESTED: 0,
        DONE: 1,
        FAILED: 0,
        CANCELLED: 0,
      },
      toReview: 2,
      awaitingMerge: 1,
      total: 6,
    });
    expect(await get(`/api/tasks/counts?missionId=${missionId}`)).toEqual(counts);
    expect((await get<{ total: number }>('/api/tasks/counts?agent=nobody')).total).toBe(0);
    // Every task, unfiltered: at least these.
    expect((await get<{ total: number }>('/api/tasks/counts')).total).toBeGreaterThanOrEqual(6);
    const unknown = await call('/api/tasks/counts?status=DONE', { cookie: viewer });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).fields?.[0]?.field).toBe('status');
  });

  it('counts every task unfiltered, through inserts, moves and deletes', async () => {
    const direct = async () => {
      const { results } = await env.DB.prepare(
        'SELECT status, verdict, count(*) AS n FROM tasks GROUP BY status, verdict',
      ).all<{ status: string; verdict: string | null; n: number }>();
      const byStatus: Record<string, number> = {};
      for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
      const review = (v: string | null) =>
        results.find((r) => r.status === 'REVIEW' && r.verdict === v)?.n ?? 0;
      return { byStatus, toReview: review(null), awaitingMerge: review('approve') };
    };
    const same = async () => {
      const counts = await get<{
        byStatus: Record<string, number>;
        toReview: number;
        awaitingMerge: number;
        total: number;
      }>('/api/tasks/counts');
      const truth = await direct();
      expect(Object.fromEntries(Object.entries(counts.byStatus).filter(([, n]) => n > 0))).toEqual(
        truth.byStatus,
      );
      expect(counts.toReview).toBe(truth.toReview);
      expect(counts.awaitingMerge).toBe(truth.awaitingMerge);
      return counts;
    };
    const before = await same();
    await seed('lists/tally', [
      { id: 't-1', status: 'REVIEW', createdAt: 1 },
      { id: 't-2', status: 'REVIEW', createdAt: 2 },
      { id: 't-3', status: 'RUNNING', createdAt: 3 },
    ]);
    await env.DB.prepare("UPDATE tasks SET verdict = 'approve' WHERE id = 't-1'").run();
    await env.DB.prepare("UPDATE tasks SET status = 'DONE' WHERE id = 't-3'").run();
    // A write that leaves status and verdict alone changes no count.
    await env.DB.prepare("UPDATE tasks SET phase = 'x' WHERE id = 't-2'").run();
    const after = await same();
    expect(after.total).toBe(before.total + 3);
    expect(after.awaitingMerge).toBe(before.awaitingMerge + 1);
    await env.DB.prepare("DELETE FROM tasks WHERE id = 't-2'").run();
    expect((await same()).total).toBe(before.total + 2);
  });

  it('is for signed-in people only', async () => {
    expect((await call('/api/tasks/counts')).status).toBe(401);
    expect((await call('/api/tasks/throughput')).status).toBe(401);
  });
});

describe('throughput', () => {
  it('counts the moves into DONE per UTC day, every day present', async () => {
    await seed('lists/done', [{ id: 'd-1', status: 'DONE', createdAt: 1 }]);
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const event = (to: string, at: number) =>
      env.DB.prepare(
        `INSERT INTO task_events (task_id, actor, from_status, to_status, created_at)
         VALUES ('d-1', 'test', 'REVIEW', ?, ?)`,
      )
        .bind(to, at)
        .run();
    const before = await get<{ days: { day: string; done: number }[] }>(
      '/api/tasks/throughput?days=3',
    );
    await event('DONE', today + 1000);
    await event('DONE', today - DAY_MS + 5);
    await event('DONE', today - DAY_MS + 6);
    await event('FAILED', today - DAY_MS + 7);
    await event('DONE', today - 3 * DAY_MS); // older than three days
    const { days } = await get<{ days: { day: string; done: number }[] }>(
      '/api/tasks/throughput?days=3',
    );
    const iso = (at: number) => new Date(at).toISOString().slice(0, 10);
    expect(days.map((d) => d.day)).toEqual([
      iso(today - 2 * DAY_MS),
      iso(today - DAY_MS),
      iso(today),
    ]);
    expect(days.map((d, i) => d.done - (before.days[i]?.done ?? 0))).toEqual([0, 2, 1]);
    expect((await get<{ days: unknown[] }>('/api/tasks/throughput')).days).toHaveLength(30);
    const bad = await call('/api/tasks/throughput?days=0', { cookie: viewer });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).fields?.[0]?.field).toBe('days');
  });
});

describe('one task', () => {
  it('comes with its history in order; an unknown id is 404, naming it', async () => {
    await seed('acme/one-task', [{ id: 'one-task-a', status: 'PENDING', createdAt: 1 }]);
    await env.DB.prepare(
      `INSERT INTO task_events (task_id, from_status, to_status, actor, reason, created_at)
       VALUES ('one-task-a', NULL, 'PENDING', 'op@test.hq', 'approved', 1),
              ('one-task-a', 'PENDING', 'ASSIGNED', 'hq', 'dispatched', 2)`,
    ).run();
    const task = await get<{ id: string; events: { from: string | null; to: string }[] }>(
      '/api/tasks/one-task-a',
    );
    expect(task.id).toBe('one-task-a');
    expect(task.events.map((e) => [e.from, e.to])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'ASSIGNED'],
    ]);
    const missing = await call('/api/tasks/no-such-task', { cookie: viewer });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).message).toBe('No task no-such-task.');
  });
});
