import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/hq-api';
import { E2E_REPOSITORY, killGroup } from '../support/runner-cli';
import { GOOD_AGENT, useRunnerE2e } from '../support/runner-e2e';

const { api, git, startRunner } = useRunnerE2e();

interface Fire {
  status: string;
  reason: string | null;
  planningJobId: string | null;
}
interface Job {
  status: string;
  proposed: number;
  merged: number;
  error: string | null;
  agent: { slug: string };
}
interface Mission {
  title: string;
  brief: string;
  repository: string;
  proposedBy: string;
  plan: { title: string }[];
}

/**
 * The stand-in planning agent: a plain command (the `command` preset) that checks it got the
 * prompt on stdin, runs in a checkout of the target branch with no remote and without the
 * runner's secrets, then writes three proposals: one new, one repeating the first (merged by
 * HQ), one without tasks (refused by the runner).
 */
const WRITES_PROPOSALS = [
  'grep -q HQ_PROPOSALS_FILE',
  'test -f README.md',
  'test -z "$(git remote)"',
  'test -z "$HQ_RUNNER_TOKEN$HQ_PLANTED_SECRET"',
  `printf '{"proposals":[{"title":"Document the setup steps","brief":"Read at %s","tasks":[{"title":"Write the setup section","spec":"Steps to run it.","expectedScope":["README.md"]}]},{"title":"Document setup steps","brief":"Again.","tasks":[{"title":"Add troubleshooting notes","spec":"Common errors.","expectedScope":["docs/**"]}]},{"title":"Broken","brief":"No tasks.","tasks":[]}],"notes":"read README.md"}' "$(git rev-parse HEAD)" > "$HQ_PROPOSALS_FILE"`,
].join(' && ');

async function lead(slug: string, command: string) {
  await api('/api/agents', {
    slug,
    name: `Lead ${slug}`,
    type: 'LEAD',
    role: 'Tech lead',
    model: 'stand-in',
    provider: 'openai',
    executor: { preset: 'command', command },
  });
}

async function planningRoutine(agent: string) {
  const { routine } = await api<{ routine: { id: string } }>('/api/routines', {
    name: `Plan with ${agent}`,
    kind: 'planning',
    agent,
    repository: E2E_REPOSITORY,
    targetBranch: 'main',
    cron: null,
  });
  return routine.id;
}

const fireNow = (routineId: string) => api<Fire>(`/api/routines/${routineId}/fire`, {});

/** The planning job once it ended (DONE or FAILED). */
const ended = (id: string, output: () => string) =>
  waitFor(
    'the planning run to end',
    async () => {
      const job = await api<Job>(`/api/planning-jobs/${id}`);
      return ['DONE', 'FAILED'].includes(job.status) ? job : undefined;
    },
    {
      diagnostics: async () =>
        `${output()}\n${JSON.stringify(await api(`/api/planning-jobs/${id}`))}`,
    },
  );

/** The runner reported the repository (at its start): planning has something to read. */
const reported = () =>
  waitFor('the runner to report the repository', async () =>
    api<{ headCommit: string }>(
      `/api/repositories/${encodeURIComponent(E2E_REPOSITORY)}/files`,
    ).catch(() => undefined),
  );

describe('a planning routine, run by the runner CLI', () => {
  it('runs the agent on a checkout; its proposals.json becomes missions, a repeat merged, a bad one refused', async () => {
    await lead('planner', WRITES_PROPOSALS);
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-planning' });
    const runner = startRunner(token, GOOD_AGENT);
    const snapshot = await reported();
    expect(snapshot.headCommit).toBe(git('rev-parse', 'HEAD'));
    const routineId = await planningRoutine('planner');
    const fire = await fireNow(routineId);
    expect(fire).toMatchObject({ status: 'planning' });
    const job = await ended(fire.planningJobId ?? '', runner.output);
    expect(job).toMatchObject({
      status: 'DONE',
      proposed: 1,
      merged: 1,
      agent: { slug: 'planner' },
    });
    expect(job.error).toContain('proposal 3 "Broken" not sent: tasks');
    const { items } = await api<{ items: Mission[] }>('/api/missions?status=PROPOSED');
    const mine = items.filter((m) => m.proposedBy === 'agent:planner');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      title: 'Document the setup steps',
      brief: `Read at ${git('rev-parse', 'HEAD')}`,
      repository: E2E_REPOSITORY,
    });
    expect(mine[0]?.plan.map((t) => t.title)).toEqual([
      'Write the setup section',
      'Add troubleshooting notes',
    ]);
    expect(runner.output()).toContain(`planned ${E2E_REPOSITORY}: 1 proposed, 1 merged`);
    // Nothing changed since (its own proposals are no news): the next fire wakes nobody.
    const again = await fireNow(routineId);
    expect(again).toMatchObject({ status: 'skipped', planningJobId: null });
    expect(again.reason).toContain('nothing changed since the last planning run');
    killGroup(runner.child, 'SIGINT');
    await new Promise((resolve) => runner.child.once('exit', resolve));
  });

  it('an agent that writes no proposals.json fails the run, and says so', async () => {
    await lead('silent-planner', 'cat > /dev/null');
    const { token } = await api<{ token: string }>('/api/runners', { name: 'e2e-silent-plan' });
    const runner = startRunner(token, GOOD_AGENT);
    await reported();
    const fire = await fireNow(await planningRoutine('silent-planner'));
    expect(fire).toMatchObject({ status: 'planning' });
    const job = await ended(fire.planningJobId ?? '', runner.output);
    expect(job.status).toBe('FAILED');
    expect(job.error).toContain('the agent wrote no proposals (proposals.json missing)');
    expect(job.proposed).toBe(0);
  });
});
