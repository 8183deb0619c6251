import { expect } from 'vitest';
import type { ReviewComment } from '../../../worker/reviews/comments/types';
import { approve, hire, plan, propose } from '../missions/support';
import {
  cancelOpenTasks,
  headCommit,
  registerRunner,
  runnerCall,
  success,
} from '../runners/support';
import { call, signInAs } from '../support/client';

/** Two files: src/a.ts rewrites lines 2-3 of 5, src/b.ts is new (3 lines). */
export const PATCH = [
  'diff --git a/src/a.ts b/src/a.ts',
  'index 1111111..2222222 100644',
  '--- a/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -1,5 +1,5 @@',
  ' const a = 1;',
  '-const b = 2;',
  '-const c = 3;',
  '+const b = 20;',
  '+const c = 30;',
  ' const d = 4;',
  ' const e = 5;',
  'diff --git a/src/b.ts b/src/b.ts',
  'new file mode 100644',
  'index 0000000..3333333',
  '--- /dev/null',
  '+++ b/src/b.ts',
  '@@ -0,0 +1,3 @@',
  '+export function b() {',
  '+  return 2;',
  '+}',
  '',
].join('\n');

export const uploadPatch = (token: string, id: string, head: string, body = PATCH) =>
  call(`/api/runner/tasks/${id}/patch?head=${head}`, {
    method: 'PUT',
    body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/x-diff' },
  });

export interface TaskInReview {
  id: string;
  token: string;
  head: string;
  operator: string;
  admin: string;
  viewer: string;
}

/**
 * A fresh task of agent `slug` run once by a fresh runner, its patch uploaded (unless
 * `patch` is null) and reported: it waits in REVIEW at headCommit(1).
 */
export async function taskInReview(slug: string, patch: string | null = PATCH) {
  await cancelOpenTasks();
  const runner = await registerRunner(`${slug}-runner`);
  await hire({ slug });
  const { mission, operator } = await propose(
    plan({ tasks: [{ title: `${slug} task`, spec: 's', expectedScope: ['**'], agentHint: slug }] }),
  );
  expect((await approve(mission.id, operator)).status).toBe(200);
  const claimed = await runnerCall(runner.token, '/api/runner/claim', { json: { waitSeconds: 0 } });
  expect(claimed.status).toBe(200);
  const { task } = (await claimed.json()) as { task: { id: string } };
  const head = headCommit(1);
  if (patch !== null)
    expect((await uploadPatch(runner.token, task.id, head, patch)).status).toBe(200);
  const reported = await runnerCall(runner.token, `/api/runner/tasks/${task.id}/report`, {
    json: success(['src/a.ts', 'src/b.ts']),
  });
  expect(reported.status, await reported.clone().text()).toBe(200);
  return {
    id: task.id,
    token: runner.token,
    head,
    operator,
    admin: runner.admin,
    viewer: await signInAs('viewer@test.hq'),
  } satisfies TaskInReview;
}

/** POST a comment as `cookie`. */
export const comment = (cookie: string, id: string, json: Record<string, unknown>) =>
  call(`/api/tasks/${id}/comments`, { method: 'POST', cookie, json });

/** A comment as the API lists it. */
export type CommentBody = ReviewComment;

export async function comments(cookie: string, id: string): Promise<CommentBody[]> {
  const response = await call(`/api/tasks/${id}/comments`, { cookie });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: CommentBody[] }).items;
}
