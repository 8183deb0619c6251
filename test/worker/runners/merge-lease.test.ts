import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { hire } from '../missions/support';
import { call, errorOf, signInAs } from '../support/client';
import {
  cancelOpenTasks,
  claimNow,
  headCommit,
  leased,
  registerRunner,
  runnerCall,
  success,
  taskFor,
} from './support';

// An approved task is merged by one runner at a time, under a lease its verdicts give it.

interface Detail {
  status: string;
  verdict: string | null;
  reviewComments: string | null;
  events: { from: string | null; to: string; reason: string | null }[];
}

const detail = async (id: string) =>
  (await (
    await call(`/api/tasks/${id}`, { cookie: await signInAs('viewer@test.hq') })
  ).json()) as Detail;

const merge = (token: string, id: string, json: Record<string, unknown>) =>
  runnerCall(token, `/api/runner/tasks/${id}/merge`, { json });

/** A task run by runner `a` (pushed or not), approved; runner `b` serves the same repository. */
async function approvedTask(slug: string, pushed: boolean) {
  await hire({ slug });
  const id = await taskFor(slug);
  const a = await registerRunner(`${slug}-a`);
  const b = await registerRunner(`${slug}-b`);
  expect((await claimNow(a.token))?.task.id).toBe(id);
  const report = await runnerCall(a.token, `/api/runner/tasks/${id}/report`, {
    json: success(['src/a.ts'], { headCommit: headCommit(9), pushed }),
  });
  expect(report.status).toBe(200);
  const approve = await call(`/api/tasks/${id}/review`, {
    method: 'POST',
    cookie: await signInAs('operator@test.hq'),
    json: { verdict: 'approve' },
  });
  expect(approve.status).toBe(200);
  return { id, a, b };
}

const expireLease = (id: string) =>
  env.DB.prepare('UPDATE tasks SET merge_lease_until = ? WHERE id = ?')
    .bind(Date.now() - 1, id)
    .run();

beforeEach(cancelOpenTasks);

describe('verdicts lease approved tasks for their merge', () => {
  it('leases a pushed task to one runner at a time; another gets it when the lease ends', async () => {
    const { id, a, b } = await approvedTask('lease-pushed', true);
    expect((await leased(a.token)).map((t) => [t.taskId, t.headCommit, t.pushed])).toEqual([
      [id, headCommit(9), true],
    ]);
    expect(await leased(b.token)).toEqual([]);
    const refused = await merge(b.token, id, { result: 'merged', mergeCommit: 'abc1234' });
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).message).toContain('not leased to runner lease-pushed-b');
    // Asking again renews the holder's lease.
    expect((await leased(a.token)).map((t) => t.taskId)).toEqual([id]);

    await expireLease(id);
    expect((await leased(b.token)).map((t) => t.taskId)).toEqual([id]);
    expect(await leased(a.token)).toEqual([]);
    expect((await merge(a.token, id, { result: 'merged', mergeCommit: 'abc1234' })).status).toBe(
      409,
    );
    const done = await merge(b.token, id, {
      result: 'merged',
      mergeCommit: 'abc1234',
      pushed: true,
    });
    expect(await done.json()).toEqual({ status: 'DONE' });
    expect((await detail(id)).events.at(-1)).toMatchObject({
      from: 'REVIEW',
      to: 'DONE',
      reason: 'merged as abc1234 and pushed',
    });
  });

  it('leases a task whose head was not pushed only to the runner that ran it', async () => {
    const { id, a, b } = await approvedTask('lease-local', false);
    expect(await leased(b.token)).toEqual([]);
    await expireLease(id);
    expect(await leased(b.token)).toEqual([]);
    expect((await leased(a.token)).map((t) => t.taskId)).toEqual([id]);
  });

  it('a branch that moved after the report sends the task back to review, unapproved', async () => {
    const { id, a } = await approvedTask('lease-moved', false);
    await leased(a.token);
    const moved = await merge(a.token, id, {
      result: 'moved',
      found: 'e'.repeat(40),
      detail: 'force-pushed by someone',
    });
    expect(await moved.json()).toEqual({ status: 'REVIEW' });
    const task = await detail(id);
    const reason = `branch hq/${id} moved after the report (reported ${headCommit(9).slice(0, 10)}, found eeeeeeeeee): review it again`;
    expect(task).toMatchObject({ status: 'REVIEW', verdict: null });
    expect(task.reviewComments).toBe(`${reason}. force-pushed by someone`);
    expect(task.events.at(-1)).toMatchObject({ from: 'REVIEW', to: 'REVIEW', reason });
    const row = await env.DB.prepare(
      'SELECT merge_runner_id, merge_lease_until FROM tasks WHERE id = ?',
    )
      .bind(id)
      .first();
    expect(row).toEqual({ merge_runner_id: null, merge_lease_until: null });
    expect(await leased(a.token)).toEqual([]);
    // A branch that is gone says so.
    await call(`/api/tasks/${id}/review`, {
      method: 'POST',
      cookie: await signInAs('operator@test.hq'),
      json: { verdict: 'approve' },
    });
    await leased(a.token);
    await merge(a.token, id, { result: 'moved', found: null });
    expect((await detail(id)).events.at(-1)?.reason).toContain('found gone): review it again');
  });

  it('a conflict sends the task back to its agent and ends the lease', async () => {
    const { id, a } = await approvedTask('lease-conflict', false);
    await leased(a.token);
    const conflict = await merge(a.token, id, { result: 'conflict', files: ['src/a.ts'] });
    expect(await conflict.json()).toEqual({ status: 'CHANGES_REQUESTED' });
    const row = await env.DB.prepare('SELECT status, merge_runner_id FROM tasks WHERE id = ?')
      .bind(id)
      .first();
    expect(row).toEqual({ status: 'ASSIGNED', merge_runner_id: null });
  });
});
