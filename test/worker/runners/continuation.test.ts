import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { hire } from '../missions/support';
import { call, signInAs } from '../support/client';
import {
  cancelOpenTasks,
  claimNow,
  headCommit,
  registerRunner,
  runnerCall,
  success,
  taskFor,
} from './support';

// A task sent back after a run continues from the head its run recorded, which only the
// runner that ran it holds, unless that head was pushed or that runner is gone.

interface Detail {
  status: string;
  phase: string | null;
  headCommit: string | null;
  headPushed: boolean;
  events: { from: string | null; to: string; reason: string | null }[];
}

const detail = async (id: string) =>
  (await (
    await call(`/api/tasks/${id}`, { cookie: await signInAs('viewer@test.hq') })
  ).json()) as Detail;

/** A task run once by a first runner and sent back by review; a second runner stands by. */
async function sentBack(slug: string, report: Record<string, unknown> = {}) {
  await hire({ slug });
  const id = await taskFor(slug);
  const first = await registerRunner(`${slug}-first`);
  const second = await registerRunner(`${slug}-second`);
  expect((await claimNow(first.token))?.task.id).toBe(id);
  const reported = await runnerCall(first.token, `/api/runner/tasks/${id}/report`, {
    json: success(['src/a.ts'], { headCommit: headCommit(7), ...report }),
  });
  expect(reported.status).toBe(200);
  const changes = await call(`/api/tasks/${id}/review`, {
    method: 'POST',
    cookie: await signInAs('operator@test.hq'),
    json: { verdict: 'changes', comments: 'Once more.' },
  });
  expect(changes.status).toBe(200);
  expect((await detail(id)).status).toBe('ASSIGNED');
  return { id, first, second };
}

beforeEach(cancelOpenTasks);

describe('a task with a head from an earlier round', () => {
  it('goes only to the runner that ran it while that runner is seen, and says it waits for it', async () => {
    const { id, first, second } = await sentBack('cont-held');
    expect(await claimNow(second.token)).toBeNull();
    expect((await detail(id)).phase).toBe(
      'waiting for runner cont-held-first, which holds its earlier round',
    );
    const claimed = await claimNow(first.token);
    expect(claimed?.task).toMatchObject({ id, headCommit: headCommit(7), headPushed: false });
    const task = await detail(id);
    expect(task.events.at(-1)).toMatchObject({
      from: 'ASSIGNED',
      to: 'RUNNING',
      reason: `claimed: continues from its head ${headCommit(7).slice(0, 10)}`,
    });
  });

  it('goes to any serving runner once its head was pushed', async () => {
    const { id, second } = await sentBack('cont-pushed', { pushed: true });
    expect((await detail(id)).phase ?? '').not.toMatch(/^waiting/);
    const claimed = await claimNow(second.token);
    expect(claimed?.task).toMatchObject({ id, headCommit: headCommit(7), headPushed: true });
    expect((await detail(id)).events.at(-1)?.reason).toBe(
      `claimed: continues from ${headCommit(7).slice(0, 10)}, pushed as hq/${id}`,
    );
  });

  it('restarts from the base on another runner once the first is revoked', async () => {
    const { id, first, second } = await sentBack('cont-revoked');
    const revoked = await call(`/api/runners/${first.id}`, {
      method: 'DELETE',
      cookie: first.admin,
    });
    expect(revoked.status).toBe(200);
    expect((await claimNow(second.token))?.task.id).toBe(id);
    expect((await detail(id)).events.at(-1)?.reason).toBe(
      `claimed: runner cont-revoked-first was revoked and its head ${headCommit(7).slice(0, 10)} was not pushed, so the work restarts from main`,
    );
  });

  it('restarts from the base on another runner once the first is silent for ten minutes', async () => {
    const { id, first, second } = await sentBack('cont-silent');
    await env.DB.prepare('UPDATE runners SET last_seen_at = ? WHERE id = ?')
      .bind(Date.now() - 11 * 60_000, first.id)
      .run();
    expect((await claimNow(second.token))?.task.id).toBe(id);
    expect((await detail(id)).events.at(-1)?.reason).toContain(
      'runner cont-silent-first has not been seen for 10 minutes',
    );
  });

  it('keeps its runner through a release, so the head is not lost to another runner', async () => {
    const { id, first, second } = await sentBack('cont-released');
    expect((await claimNow(first.token))?.task.id).toBe(id);
    const released = await runnerCall(first.token, `/api/runner/tasks/${id}/release`, {
      json: { reason: 'restarting' },
    });
    expect(released.status).toBe(200);
    expect((await detail(id)).status).toBe('ASSIGNED');
    expect(await claimNow(second.token)).toBeNull();
    expect((await claimNow(first.token))?.task.id).toBe(id);
  });
});
