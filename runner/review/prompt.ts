import { readFile } from 'node:fs/promises';
import type { ReviewClaim, ReviewReport } from '../api';

/** The file the reviewer writes its verdict to, in its working folder. */
export const REVIEW_FILE = 'review.json';
/** The patch under review, in the same folder. */
export const PATCH_FILE = 'PATCH.diff';

/**
 * The reviewer's prompt: what the task asked for (mission, spec, expected scope), what HQ
 * found of the scope, the patch itself, and how to answer. The identity is not in it: each
 * executor places it where its CLI takes a system prompt, as for a task.
 */
export function reviewPrompt(claim: ReviewClaim): string {
  const { task, mission, patch } = claim;
  const scope = task.scopeViolations.length
    ? `Outside the expected scope: ${task.scopeViolations.join(', ')}`
    : 'Every changed path is inside the expected scope.';
  return `${[
    'You review another agent’s work before a person decides. Read the change; do not edit any file but the verdict.',
    mission.title ? `Mission: ${mission.title}` : '',
    mission.brief,
    `Task: ${task.title}`,
    task.spec,
    `Expected scope: ${task.expectedScope.join(', ')}`,
    scope,
    `The patch (also in ${PATCH_FILE} in your working folder${patch.truncated ? `; cut, the whole is ${patch.fullBytes} bytes` : ''}):`,
    patch.text,
    `Write your verdict to ${REVIEW_FILE} in your working folder (its path is in HQ_REVIEW_FILE) as JSON:`,
    '{"verdict": "approve" | "changes", "summary": "what you found, in a few sentences", "comments": [{"path": "src/a.ts", "line": 12, "endLine": 14, "side": "new", "body": "what to change here"}]}',
    'Comments point at lines the patch shows: "new" for lines of the change (added or unchanged), "old" for removed lines.',
  ]
    .filter(Boolean)
    .join('\n\n')}\n`;
}

type Verdict = Pick<ReviewReport, 'verdict' | 'summary' | 'comments'>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The verdict the reviewer wrote to `file`, or why there is none (missing, not JSON, wrong). */
export async function readVerdict(file: string): Promise<Verdict | { problem: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { problem: `the reviewer wrote no verdict (${REVIEW_FILE} missing)` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      problem: `the reviewer wrote no verdict (${REVIEW_FILE} is not JSON: ${(error as Error).message})`,
    };
  }
  if (!isObject(value) || (value.verdict !== 'approve' && value.verdict !== 'changes'))
    return {
      problem: `the reviewer wrote no verdict (${REVIEW_FILE} needs "verdict": "approve" or "changes")`,
    };
  const comments = Array.isArray(value.comments) ? value.comments.filter(isComment) : [];
  return {
    verdict: value.verdict,
    ...(typeof value.summary === 'string' && { summary: value.summary.slice(0, 10_000) }),
    comments: comments.slice(0, 200).map((c) => ({
      path: c.path,
      line: c.line,
      ...(Number.isInteger(c.endLine) &&
        (c.endLine as number) >= 1 && { endLine: c.endLine as number }),
      ...((c.side === 'new' || c.side === 'old') && { side: c.side }),
      body: c.body.slice(0, 5000),
    })),
  };
}

interface RawComment {
  path: string;
  line: number;
  endLine?: unknown;
  side?: unknown;
  body: string;
}

/** A comment HQ can take: the rest are dropped here rather than failing the whole review. */
function isComment(c: unknown): c is RawComment {
  return (
    isObject(c) &&
    typeof c.path === 'string' &&
    c.path.length > 0 &&
    Number.isInteger(c.line) &&
    (c.line as number) >= 1 &&
    typeof c.body === 'string' &&
    c.body.trim().length > 0
  );
}
