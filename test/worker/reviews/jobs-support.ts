import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { createAgent } from '../agents/support';
import {
  type ClaimBody,
  cancelOpenTasks,
  declare,
  headCommit,
  registerRunner,
  runnerCall,
  success,
  taskFor,
} from '../runners/support';
import { call, signInAs } from '../support/client';

/** The patch every test run uploads: src/a.ts, lines 1-3 of the head shown. */
export const PATCH =
  'diff --git a/src/a.ts b/src/a.ts\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,3 +1,3 @@\n one\n-old\n+new\n three\n';

/**
 * A clean slate for each test: no open task, no open review job, and no reviewer agent (the
 * demo company's Lens too); each test hires the reviewers it means.
 */
export async function freshReviews() {
  await cancelOpenTasks();
  await signInAs('admin@test.hq');
  await env.DB.batch([
    env.DB.prepare(
      "UPDATE review_jobs SET status = 'CANCELLED' WHERE status IN ('QUEUED', 'RUNNING')",
    ),
    env.DB.prepare(
      "UPDATE agents SET archived_at = 1 WHERE type = 'REVIEWER' AND archived_at IS NULL",
    ),
  ]);
}

/** A reviewer agent run by the `command` preset (a runner must declare `command`). */
export const hireReviewer = (slug: string, preset = 'command') =>
  createAgent(slug, {
    type: 'REVIEWER',
    executor: preset === 'command' ? { preset, command: 'true' } : { preset },
  });

/** A runner that serves the test repositories and declares `presets`. */
export async function reviewRunner(name: string, presets = ['command']) {
  const runner = await registerRunner(name);
  const declared = await declare(
    runner.token,
    presets.map((preset) => ({ preset, version: null })),
  );
  expect(declared.status).toBe(200);
  return runner.token;
}

/**
 * One round of `agent`'s task run by the runner `token`: claimed, its patch uploaded, its
 * success reported with `paths` changed (scope src/**). Returns the task id.
 */
export async function roundInReview(
  token: string,
  agent: string,
  paths = ['src/a.ts'],
  head = headCommit(),
) {
  const taskId = await taskFor(agent, `work of ${agent} ${crypto.randomUUID().slice(0, 6)}`);
  const claimed = await runnerCall(token, '/api/runner/claim', { json: { waitSeconds: 0 } });
  expect(claimed.status, await claimed.clone().text()).toBe(200);
  expect(((await claimed.json()) as ClaimBody).task.id).toBe(taskId);
  await uploadPatch(token, taskId, head);
  const reported = await runnerCall(token, `/api/runner/tasks/${taskId}/report`, {
    json: success(paths, { headCommit: head }),
  });
  expect(reported.status, await reported.clone().text()).toBe(200);
  return taskId;
}

export async function uploadPatch(token: string, taskId: string, head: string, body = PATCH) {
  const stored = await call(`/api/runner/tasks/${taskId}/patch?head=${head}`, {
    method: 'PUT',
    body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/x-diff' },
  });
  expect(stored.status, await stored.clone().text()).toBe(200);
}

export interface ReviewClaimBody {
  job: { id: string; taskId: string; headCommit: string };
  task: { title: string; expectedScope: string[]; scopeViolations: string[] };
  mission: { repository: string };
  reviewer: { slug: string; executor: { preset: string } | null };
  patch: { text: string; truncated: boolean; fullBytes: number };
  timeoutSeconds: number;
}

/** A review claim: the job handed over, or null (204). */
export async function claimReview(token: string) {
  const response = await runnerCall(token, '/api/runner/reviews/claim', { json: {} });
  expect([200, 204], await response.clone().text()).toContain(response.status);
  return response.status === 204 ? null : ((await response.json()) as ReviewClaimBody);
}

export const reviewReport = (token: string, jobId: string, body: Record<string, unknown>) =>
  runnerCall(token, `/api/runner/reviews/${jobId}/report`, {
    json: {
      outcome: 'success',
      inputTokens: 100,
      outputTokens: 20,
      costUsd: 0.01,
      provider: 'openai',
      model: 'gpt-4.1',
      ...body,
    },
  });

export const jobsOf = (taskId: string) =>
  env.DB.prepare('SELECT * FROM review_jobs WHERE task_id = ? ORDER BY created_at')
    .bind(taskId)
    .all<Record<string, unknown>>()
    .then((r) => r.results);

export const taskRow = (id: string) =>
  env.DB.prepare('SELECT status, verdict, reviewer_rounds, review_comments FROM tasks WHERE id = ?')
    .bind(id)
    .first<{
      status: string;
      verdict: string | null;
      reviewer_rounds: number;
      review_comments: string | null;
    }>();

/** The task.first_reviewed events of a task, oldest first. */
export const firstReviewed = (taskId: string) =>
  env.DB.prepare(
    "SELECT payload FROM domain_events WHERE type = 'task.first_reviewed' AND entity_id = ? ORDER BY id",
  )
    .bind(taskId)
    .all<{ payload: string }>()
    .then((r) => r.results.map((e) => JSON.parse(e.payload) as Record<string, unknown>));

/** Sets the review settings block as an admin would (audited by the settings route). */
export async function reviewSettings(review: Record<string, unknown>) {
  const admin = await signInAs('admin@test.hq');
  const response = await call('/api/settings', {
    method: 'PATCH',
    cookie: admin,
    json: { review },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response;
}
