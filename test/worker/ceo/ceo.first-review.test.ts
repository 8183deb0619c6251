import { env } from 'cloudflare:workers';
import { beforeAll, expect, it, describe as suite } from 'vitest';
import { describe } from '../../../worker/ceo/describe';
import { taskFirstReviewedStatement } from '../../../worker/events/outbox';
import { hire } from '../missions/support';
import {
  claimNow,
  headCommit,
  registerRunner,
  runnerCall,
  success,
  taskFor,
} from '../runners/support';
import { botCalls, linkChat, useTelegram } from '../telegram/support';
import { ceo, listNotifications, noModel, patchSettings } from './support';

// While the reviewer agent's pass over a head is queued or running, the task's REVIEW move
// is held back; the pass's verdict (task.first_reviewed) is the ready-for-review message, with
// the reviewer's summary, the scope result, the head and the buttons to decide it.

let operator: number;
let token: string;
let reviewerId: string;

beforeAll(async () => {
  await useTelegram();
  await noModel();
  await patchSettings({
    notificationRules: { 'task.review': { tier: 'IMMEDIATE', lowSignal: false } },
  });
  await hire({ slug: 'fr-worker' }, { slug: 'fr-reviewer', type: 'REVIEWER' });
  const row = await env.DB.prepare("SELECT id FROM agents WHERE slug = 'fr-reviewer'").first<{
    id: string;
  }>();
  reviewerId = row?.id ?? '';
  ({ token } = await registerRunner('fr-runner'));
  operator = await linkChat('operator@test.hq');
});

/** A task of `fr-worker` reported at head `n` with `paths` changed (its scope is src/**). */
async function reported(title: string, n: number, paths: string[], queueJob: boolean) {
  const id = await taskFor('fr-worker', title);
  expect((await claimNow(token))?.task.id).toBe(id);
  // Queued before the report, as the report's own batch would: the CEO never sees the move first.
  if (queueJob)
    await env.DB.prepare(
      `INSERT INTO review_jobs (id, task_id, head_commit, reviewer_agent_id, status, created_at)
       VALUES (?, ?, ?, ?, 'QUEUED', ?)`,
    )
      .bind(`job-${n}`, id, headCommit(n), reviewerId, Date.now())
      .run();
  const response = await runnerCall(token, `/api/runner/tasks/${id}/report`, {
    json: success(paths, { headCommit: headCommit(n) }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  await ceo().poke();
  return id;
}

const aboutTask = async (taskId: string) =>
  (await listNotifications('eventType=task.review')).filter((n) => n.entityId === taskId);

const messagesAbout = async (title: string) =>
  (await botCalls(operator, 'sendMessage')).filter((c) =>
    String(c.payload.text).startsWith(`Task "${title}"`),
  );

suite('the first review before the ready-for-review message', () => {
  it('holds the REVIEW move back while a review job is queued; the verdict is the message', async () => {
    const id = await reported(
      'Held back',
      21,
      ['src/a.ts', 'package.json', 'docs/x.md', 'lib/b.ts', 'lib/c.ts'],
      true,
    );
    const [held] = await aboutTask(id);
    expect(held).toMatchObject({
      status: 'suppressed',
      reason: 'awaiting_first_review',
      explanation: 'The reviewer agent reviews first; the CEO tells you after.',
      reviewOpen: false,
    });
    expect(await messagesAbout('Held back')).toEqual([]);

    await env.DB.batch([
      env.DB.prepare(
        "UPDATE review_jobs SET status = 'DONE', verdict = 'approve', summary = ? WHERE id = 'job-21'",
      ).bind('Small and tidy.'),
      taskFirstReviewedStatement(
        env.DB,
        {
          taskId: id,
          jobId: 'job-21',
          headCommit: headCommit(21),
          reviewer: 'fr-reviewer',
          verdict: 'approve',
          summary: 'Small and tidy.',
          error: null,
          sentBack: false,
          autoApproved: false,
        },
        Date.now(),
      ),
    ]);
    await ceo().poke();
    const short = headCommit(21).slice(0, 10);
    const text = `Task "Held back" (fr-worker) is ready for review at commit ${short}. First review: fr-reviewer approves: Small and tidy. Scope: 4 paths outside scope (package.json, docs/x.md, lib/b.ts and 1 more). Approve merges ${short}.`;
    const ready = (await aboutTask(id)).find((n) => n.status === 'sent');
    expect(ready?.text).toBe(text);
    // The web row of the ready message offers the verdict too.
    expect(ready?.reviewOpen).toBe(true);
    const [message] = await messagesAbout('Held back');
    expect(message?.payload.text).toBe(text);
    expect(message?.payload.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: '✅ Approve', callback_data: `task:approve:${id}` },
          { text: '✏️ Request changes', callback_data: `task:changes:${id}` },
        ],
      ],
    });
  });

  it('without a review job the REVIEW move is the message, scope clean, with its buttons', async () => {
    const id = await reported('No reviewer', 22, ['src/a.ts'], false);
    const [sent] = await aboutTask(id);
    const short = headCommit(22).slice(0, 10);
    expect(sent?.status).toBe('sent');
    expect(sent?.text).toBe(
      `Task "No reviewer" (fr-worker) is ready for review at commit ${short}. Scope: clean. Approve merges ${short}.`,
    );
    const [message] = await messagesAbout('No reviewer');
    expect(JSON.stringify(message?.payload.reply_markup)).toContain(`task:changes:${id}`);
  });

  it('a job for another head holds nothing back', async () => {
    await env.DB.prepare(
      `INSERT INTO review_jobs (id, task_id, head_commit, reviewer_agent_id, status, created_at)
       SELECT 'job-old', id, ?, ?, 'RUNNING', ? FROM tasks WHERE title = 'No reviewer'`,
    )
      .bind(headCommit(99), reviewerId, Date.now())
      .run();
    const happening = await describeMove('No reviewer');
    expect(happening.suppress).toBeUndefined();
  });

  it('a pass that sent the task back, or approved it alone, is not a call to review', async () => {
    const id = await idOf('No reviewer');
    const event = {
      id: 1,
      at: new Date().toISOString(),
      type: 'task.first_reviewed' as const,
      taskId: id,
      jobId: 'j',
      headCommit: headCommit(22),
      reviewer: 'fr-reviewer',
      summary: 'Rename it.',
      error: null,
    };
    const back = await describe(env, {
      ...event,
      verdict: 'changes',
      sentBack: true,
      autoApproved: false,
    });
    expect(back).toMatchObject({ type: 'task.changes_requested' });
    expect(back.text).toBe(
      'Task "No reviewer" (fr-worker) was sent back by the reviewer agent: fr-reviewer asks for changes: Rename it.',
    );
    const alone = await describe(env, {
      ...event,
      verdict: 'approve',
      sentBack: false,
      autoApproved: true,
    });
    expect(alone.type).toBe('task.approved');
    const failed = await describe(env, {
      ...event,
      verdict: null,
      summary: null,
      error: 'the reviewer wrote no verdict',
      sentBack: false,
      autoApproved: false,
    });
    expect(failed.type).toBe('task.review');
    expect(failed.text).toContain(
      'First review: fr-reviewer gave no verdict (the reviewer wrote no verdict).',
    );
  });
});

async function idOf(title: string) {
  const row = await env.DB.prepare('SELECT id FROM tasks WHERE title = ?')
    .bind(title)
    .first<{ id: string }>();
  return row?.id ?? '';
}

async function describeMove(title: string) {
  return describe(env, {
    id: 2,
    at: new Date().toISOString(),
    type: 'task.moved',
    taskId: await idOf(title),
    from: 'RUNNING',
    to: 'REVIEW',
    actor: 'runner:x',
    reason: null,
  });
}
