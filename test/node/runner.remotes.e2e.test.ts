// Repositories with a remote (`--push`), end to end against a local bare repository: the task
// branch is pushed with the report, so a second runner serving the same repository (another
// machine: its own clone of the remote) merges it after the first runner is gone, and pushes
// the merge; a branch moved after its report is refused and the task goes back to review.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/hq-api';
import { endProcess } from '../support/processes';
import { killGroup } from '../support/runner-cli';
import { GOOD_AGENT, useRunnerE2e } from '../support/runner-e2e';

const { api, git, startRunner, taskAfterApproval } = useRunnerE2e();

interface TaskView {
  status: string;
  headCommit: string | null;
  headPushed: boolean;
  verdict: string | null;
}

describe('runners with a remote (--push)', () => {
  let root = '';
  let origin = '';
  let second = '';
  const gitAt = (dir: string, ...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'hq-remote-'));
    origin = join(root, 'origin.git');
    second = join(root, 'second');
    gitAt(root, 'init', '-q', '--bare', '-b', 'main', origin);
    git('remote', 'add', 'origin', origin);
    git('push', '-q', 'origin', 'main');
    gitAt(root, 'clone', '-q', origin, second);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const task = (id: string) => api<TaskView>(`/api/tasks/${id}`);

  it('pushes the task branch; another runner of the repository merges it and pushes the merge', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-push-1' });
    const first = startRunner(token, GOOD_AGENT, ['--push']);
    const id = await taskAfterApproval('Pushed work');
    const reviewed = await waitFor(
      'REVIEW',
      async () => {
        const t = await task(id);
        return t.status === 'REVIEW' ? t : undefined;
      },
      { diagnostics: async () => first.output() },
    );
    expect(reviewed.headPushed).toBe(true);
    expect(gitAt(origin, 'rev-parse', `hq/${id}`)).toBe(reviewed.headCommit);
    await endProcess(first.child, 'SIGKILL');

    // Another machine: its own clone of the remote, serving the same repository.
    const { token: token2 } = await api<{ token: string }>('/api/runners', { name: 'e2e-push-2' });
    const other = startRunner(
      token2,
      GOOD_AGENT,
      ['--push'],
      {},
      {
        repo: second,
        workDir: join(root, 'clones-2'),
      },
    );
    await api(`/api/tasks/${id}/review`, { verdict: 'approve', comments: '' });
    await waitFor('DONE', async () => ((await task(id)).status === 'DONE' ? true : undefined), {
      diagnostics: async () => other.output(),
    });
    expect(gitAt(origin, 'rev-parse', 'main^2')).toBe(reviewed.headCommit);
    expect(gitAt(origin, 'rev-parse', 'main^1')).toBe(git('rev-parse', 'main'));
    expect(gitAt(second, 'rev-parse', 'main')).toBe(gitAt(origin, 'rev-parse', 'main'));
    // The task branch is gone from the remote once merged.
    expect(() => gitAt(origin, 'rev-parse', '--verify', '--quiet', `hq/${id}`)).toThrow();
    // Stopped as a user would (Ctrl-C): a runner killed during a claim's long poll could still
    // be handed the next test's task by the claim HQ goes on serving.
    killGroup(other.child, 'SIGINT');
    await new Promise((resolve) => other.child.once('exit', resolve));
  });

  it('refuses to merge a branch that moved after its report: back to review, with the reason', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-push-3' });
    const runner = startRunner(token, GOOD_AGENT, ['--push']);
    const id = await taskAfterApproval('Moved after review');
    const reviewed = await waitFor(
      'REVIEW',
      async () => {
        const t = await task(id);
        return t.status === 'REVIEW' ? t : undefined;
      },
      {
        diagnostics: async () =>
          `${runner.output()}\n${JSON.stringify(await api(`/api/tasks/${id}`))}`,
      },
    );
    // Someone with write access moves the reviewed branch, here and on the remote.
    const elsewhere = git('commit-tree', '-p', 'main', '-m', 'not reviewed', 'main^{tree}');
    git('update-ref', `refs/heads/hq/${id}`, elsewhere);
    git('push', '-q', '-f', 'origin', `${elsewhere}:refs/heads/hq/${id}`);
    const mainBefore = gitAt(origin, 'rev-parse', 'main');
    const localBefore = git('rev-parse', 'main');

    await api(`/api/tasks/${id}/review`, { verdict: 'approve', comments: '' });
    const events = await waitFor(
      'the refusal',
      async () => {
        const t = await api<{
          status: string;
          verdict: string | null;
          events: { reason: string | null }[];
        }>(`/api/tasks/${id}`);
        const refusal = t.events?.find((e) => e.reason?.includes('moved after the report'));
        return t.status === 'REVIEW' && t.verdict === null && refusal ? refusal : undefined;
      },
      { diagnostics: async () => runner.output() },
    );
    expect(events.reason).toContain(reviewed.headCommit?.slice(0, 7));
    expect(gitAt(origin, 'rev-parse', 'main')).toBe(mainBefore);
    expect(git('rev-parse', 'main')).toBe(localBefore);
  });
});
