import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { hire } from '../missions/support';
import { declare, headCommit, runnerCall } from '../runners/support';
import { call, signInAs } from '../support/client';
import {
  claimReview,
  freshReviews,
  hireReviewer,
  jobsOf,
  reviewRunner,
  roundInReview,
} from './jobs-support';

beforeEach(freshReviews);

const events = (taskId: string) =>
  env.DB.prepare('SELECT reason FROM task_events WHERE task_id = ? ORDER BY id')
    .bind(taskId)
    .all<{ reason: string | null }>()
    .then((r) => r.results.map((e) => e.reason ?? ''));

describe('a task reaching REVIEW is queued for the reviewer agent', { timeout: 20_000 }, () => {
  it('queues one job for the head with the reviewer; the claim hands over task, patch and reviewer', async () => {
    await hire({ slug: 'q-worker' });
    await hireReviewer('q-rev');
    const token = await reviewRunner('q-runner');
    const taskId = await roundInReview(token, 'q-worker');
    const [job] = await jobsOf(taskId);
    expect(job).toMatchObject({ status: 'QUEUED', head_commit: headCommit(), attempts: 0 });
    expect((await events(taskId)).at(-1)).toContain('reviewer agent q-rev reviews first');

    const claim = await claimReview(token);
    expect(claim?.job).toEqual({ id: job?.id, taskId, headCommit: headCommit() });
    expect(claim?.reviewer.slug).toBe('q-rev');
    expect(claim?.task.expectedScope).toEqual(['src/**']);
    expect(claim?.task.scopeViolations).toEqual([]);
    expect(claim?.patch.text).toContain('+new');
    expect(claim?.mission.repository).toBe('acme/app');
    expect(claim?.timeoutSeconds).toBeGreaterThan(0);
    const [running] = await jobsOf(taskId);
    expect(running).toMatchObject({ status: 'RUNNING', attempts: 1 });
    expect(Number(running?.lease_until)).toBeGreaterThan(
      Date.now() + (claim?.timeoutSeconds ?? 0) * 1000,
    );
    // Leased once: a second claim finds nothing.
    expect(await claimReview(token)).toBeNull();

    const viewer = await signInAs('viewer@test.hq');
    const listed = await call(`/api/tasks/${taskId}/review-jobs`, { cookie: viewer });
    expect(listed.status).toBe(200);
    const { items } = (await listed.json()) as { items: Record<string, unknown>[] };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'RUNNING', reviewer: { slug: 'q-rev' } });
  });

  it('never queues a job for the task’s own agent: alone, it says a person reviews', async () => {
    await hireReviewer('self-rev');
    const token = await reviewRunner('self-runner');
    const taskId = await roundInReview(token, 'self-rev');
    expect(await jobsOf(taskId)).toEqual([]);
    expect((await events(taskId)).at(-1)).toContain('no other reviewer agent: a person reviews');
  });

  it('with several reviewers, the one with the fewest open jobs takes the next', async () => {
    await hire({ slug: 'many-worker' });
    await hireReviewer('rev-a');
    await hireReviewer('rev-b');
    const token = await reviewRunner('many-runner');
    const first = await roundInReview(token, 'many-worker', ['src/a.ts'], headCommit(1));
    const second = await roundInReview(token, 'many-worker', ['src/a.ts'], headCommit(2));
    const reviewerOf = async (id: string) =>
      (
        await env.DB.prepare(
          'SELECT a.slug FROM review_jobs j JOIN agents a ON a.id = j.reviewer_agent_id WHERE j.task_id = ?',
        )
          .bind(id)
          .first<{ slug: string }>()
      )?.slug;
    expect(await reviewerOf(first)).toBe('rev-a');
    expect(await reviewerOf(second)).toBe('rev-b');
  });

  it('hands a job only to a runner serving its repository that declared its reviewer’s preset', async () => {
    await hire({ slug: 'f-worker' });
    await hireReviewer('f-rev', 'codex');
    const worker = await reviewRunner('f-work-runner');
    const otherRepo = await reviewRunner('f-other-repo', ['codex']);
    const declared = await declare(
      otherRepo,
      [{ preset: 'codex', version: null }],
      [{ name: 'demo/storefront', pushes: false }],
    );
    expect(declared.status).toBe(200);
    const right = await reviewRunner('f-right', ['codex']);
    const taskId = await roundInReview(worker, 'f-worker');
    // Declares command only: not the reviewer's codex.
    expect(await claimReview(worker)).toBeNull();
    // Runs codex, but serves another repository.
    expect(await claimReview(otherRepo)).toBeNull();
    expect((await claimReview(right))?.job.taskId).toBe(taskId);
  });

  it('queues no job when no live runner can run the reviewer, and says so', async () => {
    await hire({ slug: 'n-worker' });
    await hireReviewer('n-rev', 'aider');
    const token = await reviewRunner('n-runner');
    const taskId = await roundInReview(token, 'n-worker');
    expect(await jobsOf(taskId)).toEqual([]);
    expect((await events(taskId)).at(-1)).toContain(
      'no runner serving the repository can run reviewer agent n-rev: a person reviews',
    );
  });

  it('requeues a job whose lease ran out, and fails it after three leases', async () => {
    await hire({ slug: 'l-worker' });
    await hireReviewer('l-rev');
    const token = await reviewRunner('l-runner');
    const taskId = await roundInReview(token, 'l-worker');
    const expire = () =>
      env.DB.prepare('UPDATE review_jobs SET lease_until = ? WHERE task_id = ?')
        .bind(Date.now() - 1, taskId)
        .run();
    for (const attempt of [1, 2, 3]) {
      const claim = await claimReview(token);
      expect(claim?.job.taskId).toBe(taskId);
      expect((await jobsOf(taskId))[0]).toMatchObject({ status: 'RUNNING', attempts: attempt });
      await expire();
    }
    expect(await claimReview(token)).toBeNull();
    const [job] = await jobsOf(taskId);
    expect(job).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(String(job?.error)).toContain('no runner finished the review in 3 attempts');
    const event = await env.DB.prepare(
      "SELECT payload FROM domain_events WHERE type = 'task.first_reviewed' AND entity_id = ?",
    )
      .bind(taskId)
      .first<{ payload: string }>();
    expect(JSON.parse(event?.payload ?? '{}')).toMatchObject({ verdict: null, reviewer: 'l-rev' });
  });

  it('fails a job no runner took within 30 minutes, and says why', async () => {
    await hire({ slug: 'w-worker' });
    await hireReviewer('w-rev', 'gemini');
    const token = await reviewRunner('w-runner', ['command', 'gemini']);
    const taskId = await roundInReview(token, 'w-worker');
    // The runner no longer runs gemini (it said so again at a restart): nobody takes the job.
    expect((await declare(token, [{ preset: 'command', version: null }])).status).toBe(200);
    expect(await claimReview(token)).toBeNull();
    expect((await jobsOf(taskId))[0]).toMatchObject({ status: 'QUEUED' });
    await env.DB.prepare('UPDATE review_jobs SET created_at = ? WHERE task_id = ?')
      .bind(Date.now() - 31 * 60_000, taskId)
      .run();
    expect(await claimReview(token)).toBeNull();
    const [job] = await jobsOf(taskId);
    expect(job).toMatchObject({ status: 'FAILED' });
    expect(String(job?.error)).toContain('no runner took the review in 30 minutes');
  });

  it('a released job is queued again; a person’s verdict cancels an open job and its report is refused', async () => {
    await hire({ slug: 'c-worker' });
    await hireReviewer('c-rev');
    const token = await reviewRunner('c-runner');
    const taskId = await roundInReview(token, 'c-worker');
    const claim = await claimReview(token);
    const released = await runnerCall(token, `/api/runner/reviews/${claim?.job.id}/release`, {
      json: { reason: 'runner stopped' },
    });
    expect(released.status).toBe(200);
    expect((await jobsOf(taskId))[0]).toMatchObject({ status: 'QUEUED', attempts: 0 });
    const again = await claimReview(token);

    const operator = await signInAs('operator@test.hq');
    const verdict = await call(`/api/tasks/${taskId}/review`, {
      method: 'POST',
      cookie: operator,
      json: { verdict: 'approve', comments: 'fine by me' },
    });
    expect(verdict.status, await verdict.clone().text()).toBe(200);
    expect((await jobsOf(taskId))[0]).toMatchObject({ status: 'CANCELLED' });
    const late = await runnerCall(token, `/api/runner/reviews/${again?.job.id}/report`, {
      json: {
        outcome: 'success',
        verdict: 'approve',
        inputTokens: 1,
        outputTokens: 1,
        costUsd: 0,
        provider: 'openai',
        model: 'gpt-4.1',
      },
    });
    expect(late.status).toBe(409);
  });
});
