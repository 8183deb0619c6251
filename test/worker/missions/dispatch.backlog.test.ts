import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../worker/tasks/dispatch';
import { call, signInAs } from '../support/client';
import { approve, hire, propose } from './support';

// A backlog bigger than one pass (200 tasks): dispatch takes the oldest first, whether they
// are new (PENDING) or sent back for changes (CHANGES_REQUESTED), and leaves the rest waiting.

/** `count` tasks of `missionId` in `status`, created at `from`, `from + 1`, … */
function waiting(missionId: string, status: string, count: number, from: number) {
  return env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
     INSERT INTO tasks (id, mission_id, title, spec, expected_scope, status, created_at, updated_at)
     SELECT ? || '-' || i, ?, 'Backlog ' || i, 'Do it.', '["src/**"]', ?, ? + i, ? + i FROM n`,
  ).bind(count, status.toLowerCase(), missionId, status, from, from);
}

describe('dispatch with a backlog', () => {
  it('takes the 200 oldest waiting tasks, new and sent back alike, in one pass', async () => {
    await hire({ slug: 'backlog-worker' });
    const admin = await signInAs('admin@test.hq');
    await call('/api/settings', { method: 'PATCH', cookie: admin, json: { workerSwitch: false } });
    const { mission, operator } = await propose();
    await approve(mission.id, operator);
    // The approval's own two tasks are newer than the backlog below: they wait too.
    await env.DB.batch([
      waiting(mission.id, 'PENDING', 240, 1_000),
      waiting(mission.id, 'CHANGES_REQUESTED', 30, 1_100),
    ]);
    await call('/api/settings', { method: 'PATCH', cookie: admin, json: { workerSwitch: true } });

    expect(await dispatch(env)).toBe(200);
    const left = await env.DB.prepare(
      `SELECT status, count(*) AS n, min(created_at) AS oldest FROM tasks
       WHERE mission_id = ? AND status IN ('PENDING', 'CHANGES_REQUESTED') GROUP BY status`,
    )
      .bind(mission.id)
      .all<{ status: string; n: number; oldest: number }>();
    // Created 1,000–1,239 (new) and 1,100–1,129 (sent back): the 200 oldest are 1,000–1,169,
    // every sent-back one among them. The 70 new ones from 1,170 on wait, and the approval's 2.
    expect(left.results).toEqual([{ status: 'PENDING', n: 72, oldest: 1_170 }]);
  });
});
