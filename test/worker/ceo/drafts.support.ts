import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { headCommit, registerRunner, runnerCall } from '../runners/support';

// A served repository whose files a runner reported, for the CEO's drafting tests.

export const FILES = [
  'README.md',
  'src/search/api.ts',
  'src/search/query.ts',
  'src/billing/invoice.ts',
  'test/search.test.ts',
];

/** Registers a runner serving `repository` and reports FILES on main. */
export async function servedWithFiles(repository: string, runnerName: string) {
  const { token } = await registerRunner(runnerName, [{ name: repository, pushes: false }]);
  const response = await runnerCall(
    token,
    `/api/runner/repositories/${encodeURIComponent(repository)}/snapshot`,
    {
      method: 'PUT',
      json: { branch: 'main', headCommit: headCommit(3), files: FILES, fileCount: FILES.length },
    },
  );
  expect(response.status, await response.clone().text()).toBe(200);
}

/** The arguments the model passes to draft_mission. */
export const draftArgs = (repository: string, title: string, scope: string[]) => ({
  title,
  brief: 'Stop one client from flooding the search API.',
  repository,
  tasks: [
    {
      title: 'Limit search requests per client',
      spec: 'Add a token bucket in front of the search handler; answer 429 over the limit.',
      expected_scope: scope,
    },
  ],
});

export interface MissionRow {
  id: string;
  title: string;
  status: string;
  proposedBy: string;
  plan: { expectedScope: string[] }[];
  decisionReason: string | null;
  targetBranch: string;
}

/** The missions with this title, newest first. */
export async function missionsTitled(title: string): Promise<MissionRow[]> {
  const { results } = await env.DB.prepare(
    `SELECT id, title, status, proposed_by AS proposedBy, plan, decision_reason AS decisionReason,
       target_branch AS targetBranch
     FROM missions WHERE title = ? ORDER BY created_at DESC`,
  )
    .bind(title)
    .all<Omit<MissionRow, 'plan'> & { plan: string }>();
  return results.map((r) => ({ ...r, plan: JSON.parse(r.plan) as MissionRow['plan'] }));
}
