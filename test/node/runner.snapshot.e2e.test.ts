// The runner CLI reports its served repository's files to a local HQ at start, and again as
// soon as it merged approved work (the 10-minute round is not waited for). Real git, real
// wrangler dev, the real CLI.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/hq-api';
import { E2E_REPOSITORY } from '../support/runner-cli';
import { GOOD_AGENT, useRunnerE2e } from '../support/runner-e2e';

const { api, fetchAs, git, startRunner, taskAfterApproval } = useRunnerE2e();

interface Files {
  runner: { name: string };
  branch: string;
  headCommit: string;
  files: string[];
  fileCount: number;
}

const files = async (): Promise<Files | undefined> => {
  const response = await fetchAs(`/api/repositories/${encodeURIComponent(E2E_REPOSITORY)}/files`);
  return response.ok ? ((await response.json()) as Files) : undefined;
};

describe('the runner reports its repository’s files', () => {
  it('at start, and after a merge with the merged files', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-snapshot' });
    const runner = startRunner(token, GOOD_AGENT);
    const first = await waitFor('the first snapshot', files, {
      diagnostics: async () => runner.output(),
    });
    expect(first).toEqual({
      repository: E2E_REPOSITORY,
      runner: { id: expect.any(String), name: 'e2e-snapshot' },
      branch: 'main',
      headCommit: git('rev-parse', 'main'),
      files: ['README.md'],
      fileCount: 1,
      reportedAt: expect.any(String),
    });

    const id = await taskAfterApproval('Snapshot after merge');
    await waitFor('REVIEW', async () => {
      const task = await api<{ status: string }>(`/api/tasks/${id}`);
      return task.status === 'REVIEW' ? true : undefined;
    });
    await api(`/api/tasks/${id}/review`, { verdict: 'approve', comments: '' });
    const merged = await waitFor(
      'the snapshot after the merge',
      async () => {
        const now = await files();
        return now && now.headCommit !== first.headCommit ? now : undefined;
      },
      { diagnostics: async () => runner.output() },
    );
    expect(merged.headCommit).toBe(git('rev-parse', 'main'));
    expect(merged.files).toEqual(['README.md', `src/feature-${id}.txt`]);
    expect(merged.fileCount).toBe(2);
  });
});
