import { dirname, join } from 'node:path';
import type { Claim, InlineComment } from './api';

/** The only variables of the runner's own environment a child ever sees. */
export const INHERITED = ['PATH', 'HOME', 'LANG', 'TMPDIR'] as const;

/** The inherited four and the variables the agent declares, as the runner has them. */
export function inheritedEnv(
  declared: string[],
  source: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...INHERITED, ...declared]) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * The environment of an agent's process: the four inherited variables, the variables the
 * agent declares (`--env NAME` or the config file), and the task's details as HQ_TASK_*.
 * Never the runner's whole environment: its token and any other secret stay out. `home`: an
 * agent run as another user gets its own HOME (and TMPDIR in it) instead of the runner's.
 */
export function childEnv(
  claim: Claim,
  clone: string,
  declared: string[],
  source: NodeJS.ProcessEnv = process.env,
  home: string | null = null,
) {
  return {
    ...inheritedEnv(declared, source),
    ...(home && { HOME: home, TMPDIR: join(home, 'tmp') }),
    // git never looks for a repository above the clone (the work folder, the runner's own).
    GIT_CEILING_DIRECTORIES: dirname(clone),
    HQ_TASK_ID: claim.task.id,
    HQ_TASK_TITLE: claim.task.title,
    HQ_TASK_SPEC: claim.task.spec,
    HQ_TASK_SCOPE: claim.task.expectedScope.join('\n'),
    HQ_TASK_BRANCH: claim.task.branch,
    HQ_TASK_BASE: claim.task.baseBranch,
    HQ_TASK_WORKTREE: clone,
    HQ_TASK_REVIEW_COMMENTS: claim.task.reviewComments ?? '',
    HQ_AGENT_SLUG: claim.agent?.slug ?? '',
    HQ_AGENT_MODEL: claim.agent?.model ?? '',
    HQ_AGENT_PROVIDER: claim.agent?.provider ?? '',
  };
}

/**
 * The task as the agent reads it: the mission's brief, the task's spec, its expected scope and
 * the reviewer's comments of a later round (the free text, then each comment on the code). The identity is not in it: each executor places
 * it where its CLI takes a system prompt (runner/executors/presets).
 */
export function taskPrompt(claim: Claim): string {
  const lines = [
    claim.mission.title ? `Mission: ${claim.mission.title}` : '',
    claim.mission.brief,
    `Task: ${claim.task.title}`,
    claim.task.spec,
    `Change only files matching: ${claim.task.expectedScope.join(', ')}`,
  ];
  if (claim.task.reviewComments)
    lines.push(`Review comments to address: ${claim.task.reviewComments}`);
  const inline = claim.task.inlineComments ?? [];
  if (inline.length)
    lines.push(['Review comments on the code:', ...inline.map(quote)].join('\n\n'));
  return `${lines.filter(Boolean).join('\n\n')}\n`;
}

/**
 * One inline comment as the agent reads it: where (`path:line[-end]`, and "removed" for a
 * line of the base), who, what, then the code it was written on, numbered as the last
 * round's diff showed it, the commented lines marked `>`.
 */
function quote(comment: InlineComment): string {
  const range =
    comment.endLine > comment.line ? `${comment.line}-${comment.endLine}` : `${comment.line}`;
  const side = comment.side === 'old' ? ' (removed lines)' : '';
  return `${comment.path}:${range}${side} (${comment.author}): ${comment.body}\n\`\`\`\n${comment.context}\n\`\`\``;
}
