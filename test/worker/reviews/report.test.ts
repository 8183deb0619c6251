import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { hire } from '../missions/support';
import { headCommit, runnerCall, success } from '../runners/support';
import {
  claimReview,
  firstReviewed,
  freshReviews,
  hireReviewer,
  jobsOf,
  reviewReport,
  reviewRunner,
  reviewSettings,
  roundInReview,
  taskRow,
  uploadPatch,
} from './jobs-support';

beforeEach(async () => {
  await freshReviews();
  await reviewSettings({ policy: 'human_decides', roundsCap: 2, mergeWhenReviewerApproves: false });
});

/** A task of `slug`-worker in REVIEW with its job leased to the runner: ids and token. */
async function leased(slug: string, paths = ['src/a.ts']) {
  await hire({ slug: `${slug}-worker` });
  // Only this test's reviewer: an earlier one would be the oldest with no open job.
  await env.DB.prepare("UPDATE agents SET archived_at = 1 WHERE type = 'REVIEWER'").run();
  await hireReviewer(`${slug}-rev`);
  const token = await reviewRunner(`${slug}-runner`);
  const taskId = await roundInReview(token, `${slug}-worker`, paths);
  const claim = await claimReview(token);
  expect(claim?.job.taskId).toBe(taskId);
  return { taskId, token, jobId: claim?.job.id ?? '' };
}

const comments = (taskId: string) =>
  env.DB.prepare('SELECT * FROM review_comments WHERE task_id = ? ORDER BY created_at')
    .bind(taskId)
    .all<Record<string, unknown>>()
    .then((r) => r.results);

describe('the reviewer agent’s report', { timeout: 20_000 }, () => {
  it('stores the verdict, its comments with their code, the spend; a person decides by default', async () => {
    const { taskId, token, jobId } = await leased('r1');
    const answer = await reviewReport(token, jobId, {
      verdict: 'changes',
      summary: 'Rename the variable.',
      comments: [
        { path: 'src/a.ts', line: 2, body: 'Say what new means.' },
        { path: 'src/zzz.ts', line: 9, body: 'Not in the patch.' },
      ],
    });
    expect(answer.status, await answer.clone().text()).toBe(200);
    const body = (await answer.json()) as { status: string; refused: string[] };
    expect(body.status).toBe('DONE');
    expect(body.refused[0]).toContain('src/zzz.ts:9');
    const [job] = await jobsOf(taskId);
    expect(job).toMatchObject({ status: 'DONE', verdict: 'changes', input_tokens: 100 });
    expect(String(job?.summary)).toMatch(
      /^Rename the variable\.\ncomment on src\/zzz.ts:9 not kept: /,
    );
    const stored = await comments(taskId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      path: 'src/a.ts',
      line: 2,
      end_line: 2,
      side: 'new',
      author: 'agent:r1-rev',
      review_job_id: jobId,
      sent_in_run: null,
    });
    expect(String(stored[0]?.context)).toContain('>    2 + new');
    const spend = await env.DB.prepare(
      "SELECT a.slug, s.cost_usd FROM spend_ledger s JOIN agents a ON a.id = s.agent_id WHERE s.task_id = ? AND s.purpose = 'review'",
    )
      .bind(taskId)
      .first<{ slug: string; cost_usd: number }>();
    expect(spend).toEqual({ slug: 'r1-rev', cost_usd: 0.01 });
    expect(await taskRow(taskId)).toMatchObject({ status: 'REVIEW', verdict: null });
    expect(await firstReviewed(taskId)).toEqual([
      expect.objectContaining({
        jobId,
        headCommit: headCommit(),
        reviewer: 'r1-rev',
        verdict: 'changes',
        sentBack: false,
        autoApproved: false,
        error: null,
      }),
    ]);
  });

  it('a failure (no verdict written) fails the job, says why in the event, and still counts the spend', async () => {
    const { taskId, token, jobId } = await leased('r2');
    const answer = await reviewReport(token, jobId, {
      outcome: 'failure',
      error: 'the reviewer wrote no verdict (review.json missing)',
    });
    expect(answer.status).toBe(200);
    expect((await jobsOf(taskId))[0]).toMatchObject({ status: 'FAILED' });
    expect((await firstReviewed(taskId))[0]).toMatchObject({
      verdict: null,
      error: 'the reviewer wrote no verdict (review.json missing)',
    });
    // A success without a verdict is refused, naming the field.
    const { token: t3, jobId: j3 } = await leased('r2b');
    expect((await reviewReport(t3, j3, {})).status).toBe(400);
  });

  it('reviewer_sends_back: its changes send the task back as agent:<slug>, up to roundsCap rounds', async () => {
    await reviewSettings({
      policy: 'reviewer_sends_back',
      roundsCap: 1,
      mergeWhenReviewerApproves: false,
    });
    const { taskId, token, jobId } = await leased('r3');
    const answer = await reviewReport(token, jobId, {
      verdict: 'changes',
      summary: 'Handle the empty case.',
      comments: [{ path: 'src/a.ts', line: 2, body: 'Empty input?' }],
    });
    expect(answer.status).toBe(200);
    const back = await taskRow(taskId);
    expect(back).toMatchObject({ verdict: 'changes', reviewer_rounds: 1 });
    expect(back?.review_comments).toBe('Handle the empty case.');
    expect(['CHANGES_REQUESTED', 'ASSIGNED']).toContain(back?.status);
    expect((await comments(taskId))[0]).toMatchObject({ sent_in_run: 2 });
    const audit = await env.DB.prepare(
      "SELECT actor FROM audit_log WHERE action = 'task.review.changes' AND entity_id = ?",
    )
      .bind(taskId)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe('agent:r3-rev');
    expect((await firstReviewed(taskId))[0]).toMatchObject({ sentBack: true });

    // The next round: at the cap, the task stays in REVIEW and a person decides.
    const claimed = await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } });
    expect(claimed.status, await claimed.clone().text()).toBe(200);
    await uploadPatch(token, taskId, headCommit(7));
    const reported = await runnerCall(token, `/api/runner/tasks/${taskId}/report`, {
      json: success(['src/a.ts'], { headCommit: headCommit(7) }),
    });
    expect(reported.status).toBe(200);
    const second = await claimReview(token);
    expect(second?.job.headCommit).toBe(headCommit(7));
    await reviewReport(token, second?.job.id ?? '', { verdict: 'changes', summary: 'Still.' });
    expect(await taskRow(taskId)).toMatchObject({
      status: 'REVIEW',
      verdict: null,
      reviewer_rounds: 1,
    });
    const last = await env.DB.prepare(
      'SELECT reason FROM task_events WHERE task_id = ? ORDER BY id DESC LIMIT 1',
    )
      .bind(taskId)
      .first<{ reason: string }>();
    expect(last?.reason).toContain('rounds cap reached (1): a person decides');
    expect((await firstReviewed(taskId))[1]).toMatchObject({ sentBack: false, verdict: 'changes' });
  });

  it('mergeWhenReviewerApproves: approves as agent:<slug> only when on and the scope is clean', {
    timeout: 20_000,
  }, async () => {
    const off = await leased('r4');
    await reviewReport(off.token, off.jobId, { verdict: 'approve', summary: 'Good.' });
    expect(await taskRow(off.taskId)).toMatchObject({ status: 'REVIEW', verdict: null });

    await reviewSettings({
      policy: 'human_decides',
      roundsCap: 2,
      mergeWhenReviewerApproves: true,
    });
    const outside = await leased('r5', ['src/a.ts', 'package.json']);
    await reviewReport(outside.token, outside.jobId, { verdict: 'approve', summary: 'Good.' });
    expect(await taskRow(outside.taskId)).toMatchObject({ status: 'REVIEW', verdict: null });
    expect((await firstReviewed(outside.taskId))[0]).toMatchObject({ autoApproved: false });

    const clean = await leased('r6');
    await reviewReport(clean.token, clean.jobId, { verdict: 'approve', summary: 'Good.' });
    expect(await taskRow(clean.taskId)).toMatchObject({ status: 'REVIEW', verdict: 'approve' });
    expect((await firstReviewed(clean.taskId))[0]).toMatchObject({ autoApproved: true });
    const audit = await env.DB.prepare(
      "SELECT actor FROM audit_log WHERE action = 'task.review.approve' AND entity_id = ?",
    )
      .bind(clean.taskId)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe('agent:r6-rev');
  });

  it('the review settings change is audited', async () => {
    await reviewSettings({
      policy: 'reviewer_sends_back',
      roundsCap: 3,
      mergeWhenReviewerApproves: true,
    });
    const row = await env.DB.prepare(
      "SELECT actor, summary FROM audit_log WHERE action = 'settings.update' ORDER BY id DESC LIMIT 1",
    ).first<{ actor: string; summary: string }>();
    expect(row?.actor).toBe('admin@test.hq');
    expect(row?.summary).toContain('reviewer_sends_back');
  });
});
