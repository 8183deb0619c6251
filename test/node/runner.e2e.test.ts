import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/hq-api';
import { E2E_REPOSITORY, killGroup } from '../support/runner-cli';
import { GOOD_AGENT, useRunnerE2e } from '../support/runner-e2e';

const { api, fetchAs, git, hasClone, startRunner, taskAfterApproval, status } = useRunnerE2e();

describe('runner end to end: real worker, real git, the runner CLI', () => {
  it('takes a task from PENDING to DONE; the target branch holds the merge; the child saw no secret', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e' });
    // The "agent": writes its prompt into a file inside its scope and commits it, with the names
    // of the environment variables it was given in the commit body.
    const command =
      'mkdir -p src && cat > src/feature.txt && git add src && git -c user.name=agent -c user.email=a@a commit -qm "$HQ_TASK_TITLE" -m "$(env | cut -d= -f1 | sort | tr \'\\n\' \' \')"';
    const runner = startRunner(token, command);
    const mission = await api<{ id: string }>('/api/missions', {
      title: 'E2E mission',
      brief: 'Add a feature file.',
      repository: E2E_REPOSITORY,
      tasks: [
        {
          title: 'Write the feature',
          spec: 'Create src/feature.txt',
          expectedScope: ['src/**'],
          agentHint: 'forge',
        },
      ],
    });
    const approved = await api<{ tasks: { id: string }[] }>(
      `/api/missions/${mission.id}/approve`,
      {},
    );
    const taskId = approved.tasks[0]?.id ?? '';
    const review = await waitFor('REVIEW', async () => {
      const t = await api<{
        status: string;
        commits: string[];
        diffNumstat: { path: string }[];
        scopeViolations: string[];
      }>(`/api/tasks/${taskId}`);
      return t.status === 'REVIEW' ? t : undefined;
    });
    expect(review.diffNumstat.map((f) => f.path)).toEqual(['src/feature.txt']);
    expect(review.scopeViolations).toEqual([]);
    expect(review.commits).toHaveLength(1);
    // The patch came with the report: the file's hunk, for the head the task records.
    const patch = await fetchAs(`/api/tasks/${taskId}/patch`);
    expect(patch.status).toBe(200);
    expect(patch.headers.get('x-hq-head-commit')).toBe(git('rev-parse', `hq/${taskId}`));
    expect(patch.headers.get('x-hq-truncated')).toBe('false');
    expect(await patch.text()).toMatch(
      /^diff --git a\/src\/feature.txt b\/src\/feature.txt\n[\s\S]*\+Task: Write the feature/m,
    );

    await api(`/api/tasks/${taskId}/review`, { verdict: 'approve', comments: 'ship it' });
    await waitFor('DONE', async () =>
      (await api<{ status: string }>(`/api/tasks/${taskId}`)).status === 'DONE' ? true : undefined,
    );
    expect(git('log', '-1', '--format=%s', 'main')).toBe(
      `Merge task ${taskId} (hq/${taskId}) into main`,
    );
    expect(git('show', 'main:src/feature.txt')).toContain('Task: Write the feature');
    expect(hasClone(taskId)).toBe(false);

    const seen = git('log', '-1', '--format=%b', `main^2`).split(/\s+/);
    // The runner had HQ_PLANTED_SECRET (and its token) in its environment; the agent saw neither.
    expect(seen).toContain('HQ_TASK_ID');
    expect(seen).not.toContain('HQ_PLANTED_SECRET');
    expect(seen).not.toContain('HQ_RUNNER_TOKEN');
    expect(
      seen.filter(
        (n) =>
          n &&
          !n.startsWith('HQ_') &&
          ![
            'PATH',
            'HOME',
            'LANG',
            'TMPDIR',
            'GIT_CEILING_DIRECTORIES',
            'PWD',
            'SHLVL',
            'OLDPWD',
            '_',
          ].includes(n),
      ),
    ).toEqual([]);

    runner.child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => runner.child.once('exit', resolve));
    expect(code).toBe(0);
    expect(runner.output()).toMatch(
      /Runner stopped after .*1 claimed, 1 sent to review, 0 failed, 1 merged/,
    );
  });

  it('flags an edit outside the expected scope in the review queue', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-scope' });
    const runner = startRunner(
      token,
      `${GOOD_AGENT} && echo '{}' > package.json && git add package.json && git -c user.name=agent -c user.email=a@a commit -qm bump`,
    );
    const id = await taskAfterApproval('Scope creep');
    await waitFor('REVIEW', async () => ((await status(id)) === 'REVIEW' ? true : undefined), {
      diagnostics: async () =>
        `${runner.output()}\n${JSON.stringify(await api(`/api/tasks/${id}`))}`,
    });
    const queue = await api<{ items: { id: string; scopeViolations: string[] }[] }>(
      '/api/tasks?status=REVIEW',
    );
    expect(queue.items.find((t) => t.id === id)?.scopeViolations).toEqual(['package.json']);
    killGroup(runner.child, 'SIGINT');
    await new Promise((resolve) => runner.child.once('exit', resolve));
  });

  it('continues a second round from the first round’s recorded head after changes are requested', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-rounds' });
    // Each round appends a line and commits; the second round's file must hold both.
    const runner = startRunner(
      token,
      'mkdir -p src && echo "round" >> src/rounds-$HQ_TASK_ID.txt && git add src && git -c user.name=agent -c user.email=a@a commit -qm "a round"',
    );
    const id = await taskAfterApproval('Two rounds');
    const inReview = (round: number) =>
      waitFor(
        `REVIEW, round ${round}`,
        async () => {
          const t = await api<{ status: string; commits: string[]; headCommit: string | null }>(
            `/api/tasks/${id}`,
          );
          return t.status === 'REVIEW' && t.commits.length === round ? t : undefined;
        },
        { diagnostics: async () => runner.output() },
      );
    const first = await inReview(1);
    expect(git('rev-parse', `hq/${id}`)).toBe(first.headCommit);
    await api(`/api/tasks/${id}/review`, { verdict: 'changes', comments: 'one more round' });
    const second = await inReview(2);
    expect(git('rev-parse', `${second.headCommit}~1`)).toBe(first.headCommit);
    await api(`/api/tasks/${id}/review`, { verdict: 'approve', comments: '' });
    await waitFor('DONE', async () => ((await status(id)) === 'DONE' ? true : undefined));
    expect(git('show', `main:src/rounds-${id}.txt`)).toBe('round\nround');
    killGroup(runner.child, 'SIGINT');
    await new Promise((resolve) => runner.child.once('exit', resolve));
  });

  it('requeues the task of a runner killed mid-task; a second runner finishes it', async () => {
    await api(
      '/api/settings',
      {
        workLoop: {
          heartbeatTimeoutSeconds: 5,
          maxRequeues: 3,
          failuresBeforeCooldown: 3,
          cooldownMinutes: 30,
          maxTaskAgeHours: 48,
        },
      },
      'PATCH',
    );
    const first = await api<{ token: string }>('/api/runners', { name: 'e2e-doomed' });
    const doomed = startRunner(first.token, 'sleep 300');
    const id = await taskAfterApproval('Survive a crash');
    await waitFor('RUNNING on the first runner', async () =>
      (await status(id)) === 'RUNNING' ? true : undefined,
    );
    killGroup(doomed.child, 'SIGKILL');
    const second = await api<{ token: string }>('/api/runners', { name: 'e2e-rescue' });
    const rescue = startRunner(second.token, GOOD_AGENT);
    // The agent's Durable Object alarm notices the silence after 5 s and requeues the task.
    await waitFor(
      'REVIEW after the requeue',
      async () => ((await status(id)) === 'REVIEW' ? true : undefined),
      {
        seconds: 90,
        diagnostics: async () =>
          `rescue runner:\n${rescue.output()}\ntask: ${JSON.stringify(await api(`/api/tasks/${id}`))}`,
      },
    );
    const detail = await api<{ requeues: number; events: { to: string; actor: string }[] }>(
      `/api/tasks/${id}`,
    );
    expect(detail.requeues).toBe(1);
    expect(detail.events.map((e) => e.to)).toEqual([
      'PENDING',
      'ASSIGNED',
      'RUNNING',
      'PENDING',
      'ASSIGNED',
      'RUNNING',
      'REVIEW',
    ]);
    expect(detail.events[3]).toMatchObject({ actor: 'sweeper' });
    await api(`/api/tasks/${id}/review`, { verdict: 'approve', comments: '' });
    await waitFor('DONE', async () => ((await status(id)) === 'DONE' ? true : undefined));
    expect(git('show', `main:src/feature-${id}.txt`)).toContain('Survive a crash');
    killGroup(rescue.child, 'SIGINT');
    await new Promise((resolve) => rescue.child.once('exit', resolve));
  }, 150_000);

  it('stops the agent and removes the clone when the task is cancelled while it runs', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-cancel' });
    const runner = startRunner(token, 'sleep 300');
    const id = await taskAfterApproval('Cancelled midway');
    await waitFor('RUNNING', async () => ((await status(id)) === 'RUNNING' ? true : undefined));
    await waitFor('its clone', async () => (hasClone(id) ? true : undefined));
    await api(`/api/tasks/${id}/cancel`, { reason: 'changed my mind' });
    await waitFor('the clone to go', async () => (hasClone(id) ? undefined : true), {
      seconds: 20,
    });
    expect(runner.output()).toContain('taken back by HQ');
    killGroup(runner.child, 'SIGINT');
    await new Promise((resolve) => runner.child.once('exit', resolve));
  });

  it('gives its running task back on Ctrl-C and prints a summary', async () => {
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-ctrl-c' });
    const runner = startRunner(token, 'sleep 300');
    const id = await taskAfterApproval('Interrupted');
    await waitFor('RUNNING', async () => ((await status(id)) === 'RUNNING' ? true : undefined));
    await waitFor('its clone', async () => (hasClone(id) ? true : undefined));
    runner.child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => runner.child.once('exit', resolve));
    // tsx, in the same process group, may report the signal itself (130), as shells do.
    expect([0, 130], runner.output()).toContain(code);
    // The runner itself may still be finishing after tsx has exited: wait for its summary.
    await waitFor(
      'the summary',
      async () => (runner.output().includes('Runner stopped') ? true : undefined),
      { seconds: 20 },
    );
    expect(runner.output()).toMatch(
      /1 claimed, 0 sent to review, 0 failed, 0 merged, 0 merge conflicts, 1 given back/,
    );
    const detail = await api<{
      status: string;
      events: { from: string | null; to: string; reason: string | null }[];
    }>(`/api/tasks/${id}`);
    expect(detail.events).toContainEqual(
      expect.objectContaining({ from: 'RUNNING', to: 'PENDING', reason: 'runner stopped' }),
    );
    expect(['PENDING', 'ASSIGNED']).toContain(detail.status);
    expect(hasClone(id)).toBe(false);
    await api(`/api/tasks/${id}/cancel`, { reason: 'test done' });
  });
});
