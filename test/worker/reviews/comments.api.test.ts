import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { headCommit } from '../runners/support';
import { call, errorOf } from '../support/client';
import { type CommentBody, comment, comments, taskInReview } from './support';

describe('inline review comments: written on the head’s patch, read by everyone signed in', () => {
  it('stores a comment with the code around it, and lists it oldest first', async () => {
    const t = await taskInReview('comment-store');
    const first = await comment(t.operator, t.id, {
      headCommit: t.head,
      path: 'src/a.ts',
      line: 2,
      endLine: 3,
      body: '  Why 20 and 30?  ',
    });
    expect(first.status, await first.clone().text()).toBe(201);
    const stored = (await first.json()) as CommentBody;
    expect(stored).toMatchObject({
      headCommit: t.head,
      path: 'src/a.ts',
      line: 2,
      endLine: 3,
      side: 'new',
      body: 'Why 20 and 30?',
      author: 'operator@test.hq',
      authorKind: 'person',
      reviewJobId: null,
      sentInRun: null,
      touched: null,
      touchedHead: null,
    });
    expect(stored.context).toBe(
      [
        '     1   const a = 1;',
        '>    2 + const b = 20;',
        '>    3 + const c = 30;',
        '     4   const d = 4;',
        '     5   const e = 5;',
      ].join('\n'),
    );
    // A removed line of the base, on the old side; one line: endLine is the line.
    const old = await comment(t.admin, t.id, {
      headCommit: t.head,
      path: 'src/a.ts',
      line: 3,
      side: 'old',
      body: 'keep c = 3',
    });
    expect(old.status).toBe(201);
    expect(await old.json()).toMatchObject({ line: 3, endLine: 3, side: 'old' });
    const listed = await comments(t.viewer, t.id);
    expect(listed.map((c) => [c.author, c.body])).toEqual([
      ['operator@test.hq', 'Why 20 and 30?'],
      ['admin@test.hq', 'keep c = 3'],
    ]);
    expect(listed[0]).toEqual(stored);
    const audit = await env.DB.prepare(
      "SELECT actor FROM audit_log WHERE action = 'review_comment.create' AND entity_id = ?",
    )
      .bind(stored.id)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe('operator@test.hq');
  });

  it('answers 400 naming the field when the patch does not show the path or the lines', async () => {
    const t = await taskInReview('comment-invalid');
    const refused = async (json: Record<string, unknown>, field: string, says: string) => {
      const response = await comment(t.operator, t.id, { headCommit: t.head, body: 'x', ...json });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.fields?.map((f) => f.field)).toEqual([field]);
      expect(error.message).toContain(says);
    };
    await refused({ path: 'src/none.ts', line: 1 }, 'path', 'does not change src/none.ts');
    await refused({ path: 'src/b.ts', line: 4 }, 'line', 'does not show line 4 of src/b.ts');
    await refused({ path: 'src/a.ts', line: 3, endLine: 9 }, 'line', 'lines 3-9 of src/a.ts');
    // src/b.ts is new: it has no old side.
    await refused({ path: 'src/b.ts', line: 1, side: 'old' }, 'line', 'on the old side');
    await refused({ path: 'src/a.ts', line: 3, endLine: 2 }, 'endLine', 'ends before it starts');
    await refused({ path: 'src/a.ts', line: 2, body: '   ' }, 'body', '');
    await refused({ path: 'src/a.ts', line: 0 }, 'line', '');
    expect(await comments(t.viewer, t.id)).toEqual([]);
  });

  it('answers 409 when the diff moved on or the task is not waiting in REVIEW, 404 without a patch', async () => {
    const t = await taskInReview('comment-conflict');
    const moved = await comment(t.operator, t.id, {
      headCommit: headCommit(2),
      path: 'src/a.ts',
      line: 2,
      body: 'x',
    });
    expect(moved.status).toBe(409);
    expect((await errorOf(moved)).message).toContain(
      `The diff moved on: task ${t.id} is at ${t.head}, not ${headCommit(2)}`,
    );
    const approved = await call(`/api/tasks/${t.id}/review`, {
      method: 'POST',
      cookie: t.operator,
      json: { verdict: 'approve' },
    });
    expect(approved.status).toBe(200);
    const late = await comment(t.operator, t.id, {
      headCommit: t.head,
      path: 'src/a.ts',
      line: 2,
      body: 'x',
    });
    expect(late.status).toBe(409);
    expect((await errorOf(late)).message).toContain('approved');

    const bare = await taskInReview('comment-no-patch', null);
    const none = await comment(bare.operator, bare.id, {
      headCommit: bare.head,
      path: 'src/a.ts',
      line: 2,
      body: 'x',
    });
    expect(none.status).toBe(404);
    expect((await errorOf(none)).message).toContain('no stored patch');
    const noTask = await comment(bare.operator, 'no-such-task', {
      headCommit: bare.head,
      path: 'src/a.ts',
      line: 2,
      body: 'x',
    });
    expect(noTask.status).toBe(404);
  });

  it('lets viewers read and not write; deletes only unsent comments, one’s own or any as admin', async () => {
    const t = await taskInReview('comment-roles');
    const on = { headCommit: t.head, path: 'src/b.ts', line: 1 };
    expect((await comment(t.viewer, t.id, { ...on, body: 'x' })).status).toBe(403);
    expect((await call(`/api/tasks/${t.id}/comments`)).status).toBe(401);
    const mine = (await (
      await comment(t.operator, t.id, { ...on, body: 'mine' })
    ).json()) as CommentBody;
    const admins = (await (
      await comment(t.admin, t.id, { ...on, body: 'admin’s' })
    ).json()) as CommentBody;
    const del = (cookie: string, id: string) =>
      call(`/api/tasks/${t.id}/comments/${id}`, { method: 'DELETE', cookie });
    expect((await del(t.viewer, mine.id)).status).toBe(403);
    const notOwn = await del(t.operator, admins.id);
    expect(notOwn.status).toBe(403);
    expect((await errorOf(notOwn)).message).toContain('admin@test.hq');
    expect((await del(t.operator, 'no-such-comment')).status).toBe(404);
    expect((await del(t.admin, mine.id)).status).toBe(204);
    expect((await comments(t.viewer, t.id)).map((c) => c.body)).toEqual(['admin’s']);
    const audit = await env.DB.prepare(
      "SELECT actor FROM audit_log WHERE action = 'review_comment.delete' AND entity_id = ?",
    )
      .bind(mine.id)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe('admin@test.hq');
    // Sent with a request for changes: it stays.
    const changes = await call(`/api/tasks/${t.id}/review`, {
      method: 'POST',
      cookie: t.operator,
      json: { verdict: 'changes' },
    });
    expect(changes.status, await changes.clone().text()).toBe(200);
    const sent = await del(t.admin, admins.id);
    expect(sent.status).toBe(409);
    expect((await errorOf(sent)).message).toContain('went to the agent with run 2');
  });
});
