import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { noModel } from '../ceo/support';
import { approvedTasks, hire, newRunner } from '../ceo/work';
import { call, signInAs } from '../support/client';

// The web chat carries the review buttons when the CEO lists the review queue (/review):
// Approve reviews at once; Request changes asks, and the next message is the comment.

let runner: Awaited<ReturnType<typeof newRunner>>;

beforeAll(async () => {
  await noModel();
  await hire({ slug: 'cr-worker' });
  runner = await newRunner();
});

interface Reply {
  text: string;
  buttons?: { label: string; action: string }[][];
}

/** Posts one chat turn and returns its reply (the `reply` event of the stream). */
async function turn(cookie: string, body: { text?: string; action?: string }): Promise<Reply> {
  const response = await call('/api/chat', {
    method: 'POST',
    cookie,
    json: { key: crypto.randomUUID(), ...body },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const reply = (await response.text())
    .split('\n\n')
    .find((block) => block.startsWith('event: reply'));
  return JSON.parse(reply?.split('\n')[1]?.slice(6) ?? '{}') as Reply;
}

async function inReview(title: string) {
  const [taskId = ''] = await approvedTasks(title);
  expect(await runner.claim()).toBe(taskId);
  await runner.report(taskId, 'success');
  return taskId;
}

const task = (id: string) =>
  env.DB.prepare('SELECT status, verdict, review_comments AS comments FROM tasks WHERE id = ?')
    .bind(id)
    .first<{ status: string; verdict: string | null; comments: string | null }>();

describe('review buttons in the web chat', () => {
  it('/review carries Approve / Request changes; Approve reviews the task', async () => {
    const taskId = await inReview('Approved in chat');
    const operator = await signInAs('operator@test.hq');
    const listed = await turn(operator, { text: '/review' });
    expect(listed.text).toContain('"Approved in chat"');
    expect(listed.buttons).toEqual([
      [
        { label: '✅ Approve', action: `task:approve:${taskId}` },
        { label: '✏️ Request changes', action: `task:changes:${taskId}` },
      ],
    ]);
    const viewer = await signInAs('viewer@test.hq');
    expect((await turn(viewer, { action: `task:approve:${taskId}` })).text).toBe(
      'That needs the operator role; viewer@test.hq is viewer.',
    );
    expect((await turn(operator, { action: `task:approve:${taskId}` })).text).toMatch(
      /^Approved "Approved in chat": its runner merges /,
    );
    expect(await task(taskId)).toMatchObject({ status: 'REVIEW', verdict: 'approve' });
    const audit = await env.DB.prepare(
      "SELECT actor FROM audit_log WHERE entity_id = ? AND action = 'task.review.approve'",
    )
      .bind(taskId)
      .first<{ actor: string }>();
    expect(audit?.actor).toBe('operator@test.hq');
  });

  it('Request changes asks; /cancel drops it; the next message is the comment', async () => {
    const taskId = await inReview('Changed in chat');
    const operator = await signInAs('operator@test.hq');
    const ask = await turn(operator, { action: `task:changes:${taskId}` });
    expect(ask.text).toBe(
      'What should change in "Changed in chat"? Reply with your comment. (/cancel drops it; I wait 30 minutes.)',
    );
    expect((await turn(operator, { text: '/cancel' })).text).toContain('Dropped');
    await turn(operator, { action: `task:changes:${taskId}` });
    const done = await turn(operator, { text: 'Log the retries too.' });
    expect(done.text).toBe('Changes requested in "Changed in chat": its agent takes your comment.');
    expect(await task(taskId)).toMatchObject({
      verdict: 'changes',
      comments: 'Log the retries too.',
    });
    // The conversation keeps both sides, as for any turn.
    const history = await call('/api/chat/history?limit=10', { cookie: operator });
    const { messages } = (await history.json()) as { messages: { content: string }[] };
    expect(messages.map((m) => m.content)).toContain('Log the retries too.');
  });
});
