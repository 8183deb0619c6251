import { DomainError } from '../errors';
import { reviewTask } from '../tasks/review';
import { roleProblem } from './actions';
import type { Operator } from './reply';

export interface ReviewResult {
  ok: boolean;
  text: string;
}

/** A task's title in quotes, or its short id when it is gone. */
export async function taskTitle(env: Env, taskId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT title FROM tasks WHERE id = ?')
    .bind(taskId)
    .first<{ title: string }>();
  return row ? `"${row.title}"` : `Task ${taskId.slice(0, 8)}`;
}

/**
 * A verdict on a task's review for an operator talking to the CEO, through the one
 * `reviewTask` every face uses (audited, its event edits the review's messages). `requestId`
 * names the cause (a Telegram update). A refusal (a viewer, a task no longer waiting, nothing
 * said) comes back as words, not as an error.
 */
export async function decideReview(
  env: Env,
  operator: Operator,
  taskId: string,
  verdict: 'approve' | 'changes',
  comments: string,
  requestId: string,
): Promise<ReviewResult> {
  const denied = roleProblem(operator, 'operator');
  if (denied) return { ok: false, text: denied };
  const title = await taskTitle(env, taskId);
  try {
    await reviewTask(env, { taskId, verdict, comments, actor: operator.email, requestId });
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, text: error.message };
    throw error;
  }
  if (verdict === 'changes')
    return { ok: true, text: `Changes requested in ${title}: its agent takes your comment.` };
  const head = await env.DB.prepare('SELECT head_commit AS head FROM tasks WHERE id = ?')
    .bind(taskId)
    .first<{ head: string | null }>();
  const merges = head?.head ? `: its runner merges ${head.head.slice(0, 10)}` : '';
  return { ok: true, text: `Approved ${title}${merges}.` };
}

/**
 * Whether a task still waits for a person's verdict, or why not (its status now), as a stale
 * button answers.
 */
export async function reviewOpen(env: Env, taskId: string): Promise<string | null> {
  const row = await env.DB.prepare('SELECT title, status, verdict FROM tasks WHERE id = ?')
    .bind(taskId)
    .first<{ title: string; status: string; verdict: string | null }>();
  if (!row) return `No task ${taskId}.`;
  if (row.status === 'REVIEW' && row.verdict === null) return null;
  const now = row.status === 'REVIEW' ? 'approved, waiting for its merge' : row.status;
  return `"${row.title}" no longer waits for review: it is ${now}.`;
}
