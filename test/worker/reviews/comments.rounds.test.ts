import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parsePatch } from '../../../worker/patches/parse';
import { commentStatements } from '../../../worker/reviews/comments/store';
import type { InlineComment } from '../../../worker/reviews/comments/types';
import { headCommit, runnerCall, success } from '../runners/support';
import { call, errorOf } from '../support/client';
import { type CommentBody, comment, comments, PATCH, taskInReview } from './support';

interface Claimed {
  task: {
    id: string;
    runs: number;
    reviewComments: string | null;
    inlineComments: InlineComment[];
  };
}

const requestChanges = (cookie: string, id: string, text = '') =>
  call(`/api/tasks/${id}/review`, {
    method: 'POST',
    cookie,
    json: { verdict: 'changes', comments: text },
  });

async function claimAgain(token: string) {
  const response = await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } });
  expect(response.status).toBe(200);
  return (await response.json()) as Claimed;
}

describe('inline comments go to the next run, which says whether it touched their lines', () => {
  it('refuses changes with nothing said and no comment, takes changes with only inline comments', async () => {
    const t = await taskInReview('rounds-only-inline');
    const empty = await requestChanges(t.operator, t.id);
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).fields?.[0]?.field).toBe('comments');

    const on = { headCommit: t.head, path: 'src/a.ts' };
    expect(
      (await comment(t.operator, t.id, { ...on, line: 2, body: 'use a constant' })).status,
    ).toBe(201);
    expect((await comment(t.operator, t.id, { ...on, line: 5, body: 'and here?' })).status).toBe(
      201,
    );
    const changes = await requestChanges(t.operator, t.id);
    expect(changes.status, await changes.clone().text()).toBe(200);
    // Dispatched again at once: the same agent has it.
    expect(await changes.json()).toMatchObject({
      status: 'ASSIGNED',
      verdict: 'changes',
      reviewComments: null,
    });
    // Marked in the same batch as the move: for run 2, the next one.
    expect((await comments(t.viewer, t.id)).map((c) => c.sentInRun)).toEqual([2, 2]);

    const claimed = await claimAgain(t.token);
    expect(claimed.task.runs).toBe(2);
    expect(claimed.task.inlineComments).toEqual([
      {
        path: 'src/a.ts',
        line: 2,
        endLine: 2,
        side: 'new',
        body: 'use a constant',
        context: expect.stringContaining('>    2 + const b = 20;'),
        author: 'operator@test.hq',
      },
      expect.objectContaining({ line: 5, body: 'and here?' }),
    ]);
  });

  it('marks the carried comments touched or not from the round’s hunks', async () => {
    const t = await taskInReview('rounds-touched');
    const on = { headCommit: t.head, path: 'src/a.ts' };
    const posted: CommentBody[] = [];
    for (const json of [
      { ...on, line: 2, endLine: 3, body: 'rewritten' },
      { ...on, line: 5, body: 'an insertion right after line 4 reaches line 5' },
      { ...on, line: 1, body: 'not changed' },
      { headCommit: t.head, path: 'src/b.ts', line: 2, body: 'other file, not changed' },
      { ...on, line: 2, side: 'old', body: 'a removed line: not settled by old-side hunks' },
    ]) {
      const response = await comment(t.operator, t.id, json);
      expect(response.status).toBe(201);
      posted.push((await response.json()) as CommentBody);
    }
    expect((await requestChanges(t.operator, t.id, 'see the comments')).status).toBe(200);
    const claimed = await claimAgain(t.token);
    expect(claimed.task.reviewComments).toBe('see the comments');
    expect(claimed.task.inlineComments).toHaveLength(5);
    const report = await runnerCall(t.token, `/api/runner/tasks/${t.id}/report`, {
      json: success(['src/a.ts'], {
        headCommit: headCommit(2),
        roundHunks: [
          { path: 'src/a.ts', oldStart: 3, oldLines: 1 },
          { path: 'src/a.ts', oldStart: 4, oldLines: 0 },
          { path: 'src/c.ts', oldStart: 2, oldLines: 5 },
        ],
      }),
    });
    expect(report.status, await report.clone().text()).toBe(200);
    const after = await comments(t.viewer, t.id);
    expect(after.map((c) => [c.body, c.touched, c.touchedHead])).toEqual(
      posted.map((c, i) => [c.body, [true, true, false, false, null][i], headCommit(2)]),
    );

    // The new round's head is in REVIEW now; its runner uploaded no patch: nothing to comment on.
    const next = await comment(t.operator, t.id, {
      headCommit: headCommit(2),
      path: 'src/a.ts',
      line: 3,
      body: 'still?',
    });
    expect(next.status).toBe(404);
  });

  it('leaves touched unknown when the report has no hunks, and keeps a requeued run’s comments', async () => {
    const t = await taskInReview('rounds-unknown');
    expect(
      (
        await comment(t.operator, t.id, {
          headCommit: t.head,
          path: 'src/b.ts',
          line: 1,
          body: 'x',
        })
      ).status,
    ).toBe(201);
    expect((await requestChanges(t.operator, t.id)).status).toBe(200);
    const first = await claimAgain(t.token);
    expect(first.task.inlineComments).toHaveLength(1);
    // The runner stops: the task is requeued and claimed again as run 3, comments and all.
    const released = await runnerCall(t.token, `/api/runner/tasks/${t.id}/release`, {
      json: { reason: 'runner stopped' },
    });
    expect(released.status).toBe(200);
    const again = await claimAgain(t.token);
    expect(again.task.runs).toBe(3);
    expect(again.task.inlineComments.map((c) => c.body)).toEqual(['x']);
    const report = await runnerCall(t.token, `/api/runner/tasks/${t.id}/report`, {
      json: success(['src/b.ts'], { headCommit: headCommit(2), roundHunks: null }),
    });
    expect(report.status).toBe(200);
    expect(
      (await comments(t.viewer, t.id)).map((c) => [c.sentInRun, c.touched, c.touchedHead]),
    ).toEqual([[3, null, headCommit(2)]]);
  });

  it('commentStatements (the reviewer agent’s path) stores what the patch shows and refuses the rest, saying why', async () => {
    const t = await taskInReview('rounds-agent');
    const { statements, stored, refused } = commentStatements(env.DB, {
      taskId: t.id,
      headCommit: t.head,
      patch: parsePatch(PATCH),
      comments: [
        { path: 'src/b.ts', line: 1, endLine: 3, body: 'name it' },
        { path: 'src/a.ts', line: 40, body: 'beyond the hunk' },
        { path: 'README.md', line: 1, body: 'not in the patch' },
      ],
      author: 'agent:rev',
      reviewJobId: null,
    });
    expect(refused.map((r) => [r.field, r.reason])).toEqual([
      [
        'line',
        `the patch of ${t.head.slice(0, 10)} does not show line 40 of src/a.ts on the new side in one hunk`,
      ],
      ['path', `the patch of ${t.head.slice(0, 10)} does not change README.md`],
    ]);
    await env.DB.batch(statements);
    const listed = await comments(t.viewer, t.id);
    expect(listed).toEqual(stored);
    expect(listed[0]).toMatchObject({ author: 'agent:rev', authorKind: 'agent', endLine: 3 });
  });
});
