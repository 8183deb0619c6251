import { MAX_PROPOSALS, PROPOSALS_FILE } from './output';
import type { PlanningClaim } from './wire';

/** The shape asked for, as the prompt shows it (docs/planning.md has the whole contract). */
const EXAMPLE = {
  proposals: [
    {
      title: 'Add rate limits to the search API',
      brief: 'Why it matters and what done looks like, for the operator who decides.',
      budgetUsd: 5,
      tasks: [
        {
          title: 'Limit requests per key',
          spec: 'What to change and how to know it works.',
          expectedScope: ['src/search/**', 'test/search/**'],
          roleHint: 'Backend engineer',
        },
      ],
    },
  ],
  notes: 'What you read and why you propose this (optional).',
};

/**
 * The planning agent's prompt: the repository it reads (checked out read-only in its
 * folder), the missions already open there (not to propose again), and the output contract.
 * The identity is not in it: each executor places it where its CLI takes a system prompt.
 */
export function planningPrompt(claim: PlanningClaim): string {
  const { job, snapshot, openMissions } = claim;
  const open = openMissions.length
    ? [
        'Missions already open in this repository (do not propose them again; a proposal that repeats one is folded into it):',
        ...openMissions.map(
          (m) =>
            `- "${m.title}" (${m.status}, by ${m.proposedBy}): ${m.tasks.join('; ')}\n  ${m.brief.split('\n')[0]}`,
        ),
      ].join('\n')
    : 'No mission is open in this repository.';
  return `${[
    `You plan the next work for repository ${job.repository}. Your working folder is a read-only checkout of its ${job.targetBranch} branch${snapshot ? ` at ${snapshot.headCommit.slice(0, 10)} (${snapshot.fileCount} tracked files)` : ''}: read it, change nothing (nothing in it is kept).`,
    open,
    `Propose at most ${MAX_PROPOSALS} missions worth an operator's approval, each split into tasks another agent can do alone, with the globs of the files each task may change (expectedScope). Propose nothing when nothing is worth doing.`,
    `Write your answer to ${PROPOSALS_FILE} (its path is in HQ_PROPOSALS_FILE, outside the checkout) as JSON:`,
    JSON.stringify(EXAMPLE, null, 2),
    'budgetUsd, budgetTokens, agentHint (an agent slug), roleHint and notes are optional. No proposals: {"proposals": []}. No file: the run fails.',
  ].join('\n\n')}\n`;
}
