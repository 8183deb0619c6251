import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../worker/tasks/dispatch';
import { call } from '../support/client';
import { approve, hire, type MissionBody, plan, propose } from './support';

// An approval dispatches in its decision's own batch, from what it read before it (decide.ts):
// the backlog and its own new tasks, as a dispatch after the insert would. The moves are
// guarded by the decision: an approval asked again, or refused, moves nothing.

const statuses = async (missionId: string) =>
  (
    await env.DB.prepare('SELECT status FROM tasks WHERE mission_id = ? ORDER BY created_at')
      .bind(missionId)
      .all<{ status: string }>()
  ).results.map((r) => r.status);

/** Switches an agent in SQL alone, so no dispatch runs with the change. */
const setEnabled = (slug: string, on: boolean) =>
  env.DB.prepare('UPDATE agents SET worker_enabled = ? WHERE slug = ?')
    .bind(on ? 1 : 0, slug)
    .run();

const forRole = (title: string, role: string, extra: Record<string, unknown> = {}) =>
  plan({
    title,
    tasks: [
      { title: `${title} one`, spec: 'S.', expectedScope: ['a/**'], roleHint: role },
      { title: `${title} two`, spec: 'S.', expectedScope: ['b/**'], roleHint: role },
    ],
    ...extra,
  });

describe('an approval’s dispatch, in its own batch', () => {
  it('moves the backlog and its new tasks; a repeat or a refused approval moves nothing', async () => {
    await hire({ slug: 'ad-one', role: 'Designer' });
    await setEnabled('ad-one', false);
    const { mission: backlog, operator } = await propose(forRole('Backlog', 'Designer'));
    expect((await approve(backlog.id, operator)).status).toBe(200);
    expect(await statuses(backlog.id)).toEqual(['PENDING', 'PENDING']);

    await setEnabled('ad-one', true);
    const { mission: next } = await propose(forRole('Next', 'Designer'));
    const body = (await (await approve(next.id, operator)).json()) as MissionBody;
    expect(body.tasks.map((t) => t.status)).toEqual(['ASSIGNED', 'ASSIGNED']);
    expect(await statuses(backlog.id)).toEqual(['ASSIGNED', 'ASSIGNED']);

    // A new backlog, then an approval asked again and one refused: neither dispatches it.
    await setEnabled('ad-one', false);
    const { mission: later } = await propose(forRole('Later', 'Designer'));
    expect((await approve(later.id, operator)).status).toBe(200);
    await setEnabled('ad-one', true);
    const again = (await (await approve(next.id, operator)).json()) as MissionBody;
    expect(again.changed).toBe(false);
    expect(again.tasks.map((t) => t.status)).toEqual(['ASSIGNED', 'ASSIGNED']);
    const { mission: rejected } = await propose(forRole('Rejected', 'Designer'));
    const reject = await call(`/api/missions/${rejected.id}/reject`, {
      method: 'POST',
      cookie: operator,
      json: {},
    });
    expect(reject.status).toBe(200);
    expect((await approve(rejected.id, operator)).status).toBe(409);
    expect(await statuses(rejected.id)).toEqual([]);
    expect(await statuses(later.id)).toEqual(['PENDING', 'PENDING']);
    // They could move all along: the next dispatch moves them.
    await dispatch(env);
    expect(await statuses(later.id)).toEqual(['ASSIGNED', 'ASSIGNED']);
  });

  it('keeps the tasks of a mission with a zero budget waiting, and dispatches around them', async () => {
    await hire({ slug: 'az-one', role: 'Tester' });
    const { mission: broke, operator } = await propose(
      forRole('Broke', 'Tester', { budgetTokens: 0 }),
    );
    const body = (await (await approve(broke.id, operator)).json()) as MissionBody;
    expect(body.tasks.map((t) => t.status)).toEqual(['PENDING', 'PENDING']);
    const { mission: funded } = await propose(forRole('Funded', 'Tester'));
    await approve(funded.id, operator);
    expect(await statuses(funded.id)).toEqual(['ASSIGNED', 'ASSIGNED']);
    // The same as dispatch's own rule in SQL: it leaves them waiting too.
    await dispatch(env);
    expect(await statuses(broke.id)).toEqual(['PENDING', 'PENDING']);
  });
});
