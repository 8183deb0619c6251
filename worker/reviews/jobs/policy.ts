import { DomainError } from '../../errors';
import type { SettingsValue } from '../../settings/schema';
import { reviewTask } from '../../tasks/review';

/** The task as the policy reads it once the reviewer agent's verdict is in. */
export interface PolicyTask {
  id: string;
  runs: number;
  reviewerRounds: number;
  scopeViolations: string[];
}

export interface PolicyOutcome {
  sentBack: boolean;
  autoApproved: boolean;
  /** A line for the task's timeline when the policy held back (cap, scope, a race). */
  note: string | null;
}

/**
 * What follows the reviewer agent's verdict under the admin's review settings. Default
 * (human_decides): nothing, a person decides. reviewer_sends_back: its "changes" sends the
 * task back by itself, through reviewTask as `agent:<slug>`, while the task has had fewer
 * than roundsCap such rounds. mergeWhenReviewerApproves: its approval approves the task,
 * through reviewTask (audited), but only when no path is outside the expected scope. A task
 * a person decided meanwhile (reviewTask answers 409) stays as the person left it.
 */
export async function applyPolicy(
  env: Env,
  settings: SettingsValue['review'],
  task: PolicyTask,
  verdict: 'approve' | 'changes',
  summary: string,
  reviewer: string,
  requestId: string,
): Promise<PolicyOutcome> {
  const actor = `agent:${reviewer}`;
  const none = { sentBack: false, autoApproved: false };
  if (verdict === 'changes') {
    if (settings.policy !== 'reviewer_sends_back') return { ...none, note: null };
    if (task.reviewerRounds >= settings.roundsCap)
      return {
        ...none,
        note: `reviewer agent ${reviewer} asks for changes; rounds cap reached (${settings.roundsCap}): a person decides`,
      };
    const comments =
      summary || `The reviewer agent ${reviewer} asks for changes: see its comments.`;
    const done = await decided(env, { taskId: task.id, verdict, comments, actor, requestId });
    return done
      ? { sentBack: true, autoApproved: false, note: null }
      : {
          ...none,
          note: `reviewer agent ${reviewer} asks for changes; a person decided meanwhile`,
        };
  }
  if (!settings.mergeWhenReviewerApproves) return { ...none, note: null };
  if (task.scopeViolations.length)
    return {
      ...none,
      note: `reviewer agent ${reviewer} approves; not merged by itself: ${task.scopeViolations.length} path(s) outside scope, a person decides`,
    };
  const done = await decided(env, {
    taskId: task.id,
    verdict,
    comments: summary,
    actor,
    requestId,
  });
  return done
    ? { sentBack: false, autoApproved: true, note: null }
    : { ...none, note: `reviewer agent ${reviewer} approves; a person decided meanwhile` };
}

/** reviewTask, false when the task was no longer waiting (409: a person decided first). */
async function decided(env: Env, decision: Parameters<typeof reviewTask>[1]): Promise<boolean> {
  try {
    await reviewTask(env, decision);
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'conflict') return false;
    throw error;
  }
}
